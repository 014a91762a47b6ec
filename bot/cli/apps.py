"""`teams package` and `slack manifest`: the chat platforms' app definitions, filled in for this server, so
that nobody edits placeholders by hand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.core import USAGE_ERROR
from bot.config import get_settings


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    teams = subcommands.add_parser("teams", help="Microsoft Teams app tools")
    teams_commands = teams.add_subparsers(dest="teams_command", required=True, metavar="COMMAND")
    package = teams_commands.add_parser("package", help="write the Teams app package (a zip to upload)")
    package.add_argument("--host", required=True, help="the server's public host name, e.g. bot.nhs.wales")
    package.add_argument("--app-id", help="the Teams app's GUID (default: derived from the client id, so a "
                                          "rebuilt package updates the same app)")  # fmt: skip
    package.add_argument("--client-id", help="the bot's Entra app (client) id (default: TEAMS_CLIENT_ID)")
    package.add_argument("--out", required=True, type=Path, help="the zip to write, e.g. milestones-teams.zip")
    package.set_defaults(run=run_teams_package)

    slack = subcommands.add_parser("slack", help="Slack app tools")
    slack_commands = slack.add_subparsers(dest="slack_command", required=True, metavar="COMMAND")
    manifest = slack_commands.add_parser("manifest", help="print the Slack app manifest, ready to paste")
    manifest.add_argument("--url", required=True, help="the server's public https address, e.g. https://bot.nhs.wales")
    manifest.add_argument("--socket-mode", action="store_true", help="switch Socket Mode on (no public URL needed)")
    manifest.set_defaults(run=run_slack_manifest)


def run_teams_package(args: argparse.Namespace) -> int:
    from bot.teams.app_package import AppPackageError, app_identity, package_contents, write_package

    try:
        identity = app_identity(
            host=args.host, client_id=args.client_id or get_settings().teams_client_id, app_id=args.app_id
        )
        contents = package_contents(identity)
        write_package(contents, args.out)
    except (AppPackageError, OSError) as problem:
        print(f"No package written: {problem}", file=sys.stderr)
        return USAGE_ERROR
    print(f"Wrote {args.out} ({', '.join(contents)}) for https://{identity.host}, app id {identity.app_id}.")
    print("Upload it in the Teams admin centre (Teams apps > Manage apps > Upload new app) or the Developer Portal.")
    return 0


def run_slack_manifest(args: argparse.Namespace) -> int:
    from bot.slack.app_manifest import ManifestUrlError, slack_manifest

    try:
        print(slack_manifest(args.url, socket_mode=args.socket_mode), end="")
    except ManifestUrlError as problem:
        print(f"No manifest: {problem}", file=sys.stderr)
        return USAGE_ERROR
    return 0
