"""`milestones-bot serve`: the HTTP server for whichever chat platforms are configured."""

from __future__ import annotations

import argparse
import secrets
import sys

import uvicorn

from bot.cli.core import USAGE_ERROR
from bot.clock import SystemClock
from bot.config import get_settings
from bot.dashboard.access import MIN_SECRET_BYTES as SECRET_BYTES
from bot.dashboard.surface import DashboardSettingsError
from bot.runtime import configure_logging, open_database
from bot.server.app import Runtime, build_app
from bot.slack.socket_mode import start_socket_mode


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subcommands.add_parser("serve", help="run the bot server (Slack, Teams, dashboard, /healthz)")
    serve.add_argument("--host", help="address to listen on (default: HOST setting)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT setting)")
    serve.set_defaults(run=run_serve)
    secret = subcommands.add_parser("secret", help="print a new random DASHBOARD_SECRET (32 bytes)")
    secret.set_defaults(run=run_secret)


def run_serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings)
    runtime = Runtime(settings=settings, database=open_database(settings), clock=SystemClock())
    try:
        app = build_app(runtime)
    except DashboardSettingsError as problem:
        print(f"Not serving: {problem}", file=sys.stderr)
        return USAGE_ERROR
    start_socket_mode(app.state.runtime)  # only with SLACK_APP_TOKEN; the app's runtime carries its metrics
    # log_config=None: uvicorn's records go through configure_logging's handler (one line each, no signatures).
    uvicorn.run(app, host=args.host or settings.host, port=args.port or settings.port,
                log_level=settings.log_level.lower(), log_config=None)  # fmt: skip
    return 0


def run_secret(_: argparse.Namespace) -> int:
    print(secrets.token_urlsafe(SECRET_BYTES))
    return 0
