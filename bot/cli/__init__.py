"""`milestones-bot`: one console script; each group of subcommands lives in its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import core, export, schedule, serve

COMMAND_MODULES = (core, serve, export, schedule)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="milestones-bot", description=__doc__)
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
