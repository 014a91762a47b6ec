"""`milestones-bot serve`: the HTTP server for whichever chat platforms are configured."""

from __future__ import annotations

import argparse

import uvicorn

from bot.clock import SystemClock
from bot.config import get_settings
from bot.runtime import configure_logging, open_database
from bot.server.app import Runtime, build_app
from bot.slack.socket_mode import start_socket_mode


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subcommands.add_parser("serve", help="run the bot server (Slack, Teams, dashboard, /healthz)")
    serve.add_argument("--host", help="address to listen on (default: HOST setting)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT setting)")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings)
    runtime = Runtime(settings=settings, database=open_database(settings), clock=SystemClock())
    app = build_app(runtime)
    start_socket_mode(runtime)  # only when SLACK_APP_TOKEN is set; uvicorn keeps the process alive
    uvicorn.run(app, host=args.host or settings.host, port=args.port or settings.port,
                log_level=settings.log_level.lower())  # fmt: skip
    return 0
