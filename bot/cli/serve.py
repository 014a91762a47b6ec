"""`milestones-bot serve`: the HTTP server for whichever chat platforms are configured.

The server's own modules (uvicorn, Starlette, the scheduler) are imported when it runs, not when the command
line is built: every `milestones-bot` command builds it, and `say` should not pay for a server."""

from __future__ import annotations

import argparse
import secrets
import sys

from bot.cli.core import USAGE_ERROR
from bot.clock import SystemClock
from bot.config import get_settings
from bot.dashboard.access import MIN_SECRET_BYTES as SECRET_BYTES
from bot.dashboard.access import DashboardSettingsError
from bot.runtime import Runtime, configure_logging, open_database


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subcommands.add_parser("serve", help="run the bot server (Slack, Teams, dashboard, /healthz)")
    serve.add_argument("--host", help="address to listen on (default: HOST setting)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT setting)")
    serve.set_defaults(run=run_serve)
    secret = subcommands.add_parser("secret", help="print a new random DASHBOARD_SECRET (32 bytes)")
    secret.set_defaults(run=run_secret)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.server.app import build_app

    settings = get_settings()
    configure_logging(settings)
    runtime = Runtime(settings=settings, database=open_database(settings), clock=SystemClock())
    try:
        app = build_app(runtime)
    except DashboardSettingsError as problem:
        print(f"Not serving: {problem}", file=sys.stderr)
        return USAGE_ERROR
    if settings.slack_configured:  # importing Slack's SDK only when Slack is in use keeps the start fast
        from bot.slack.socket_mode import start_socket_mode

        # Only when SLACK_APP_TOKEN is set; the app's runtime carries its metrics; uvicorn keeps the process alive.
        start_socket_mode(app.state.runtime)
    # log_config=None: uvicorn's records go through configure_logging's handler (one line each, no signatures).
    uvicorn.run(app, host=args.host or settings.host, port=args.port or settings.port,
                log_level=settings.log_level.lower(), log_config=None)  # fmt: skip
    return 0


def run_secret(_: argparse.Namespace) -> int:
    print(secrets.token_urlsafe(SECRET_BYTES))
    return 0
