"""`milestones-bot`: one console script; each group of subcommands lives in its own module."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.cli import apps, core, export, purge, report, schedule, serve
from bot.i18n import speaking
from bot.i18n.terminal import terminal_language

COMMAND_MODULES = (core, serve, export, report, schedule, purge, apps)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="milestones-bot", description=__doc__)
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subcommands)
    return parser


# The exit status of a program stopped by SIGPIPE (128 + 13), as shells report for `… | head`.
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # A server answers each person in their own language; everything else prints for the person at the terminal.
        language = "en" if args.command == "serve" else terminal_language()
        with speaking(language):
            result: int = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`milestones-bot export actions | head`): stop quietly, and point stdout at
        # /dev/null so the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return result


if __name__ == "__main__":
    sys.exit(main())
