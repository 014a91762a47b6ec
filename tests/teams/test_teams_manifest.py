"""The Teams app package source: the manifest offers commands the bot understands, and the icons are the
sizes Teams requires (192x192 colour, 32x32 outline)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from commands.grammar import ESCALATION_VERBS, MILESTONE_VERBS

PACKAGE = Path(__file__).resolve().parents[2] / "teams"


def test_manifest_commands_are_verbs_of_the_grammar() -> None:
    manifest = json.loads((PACKAGE / "manifest.json").read_text())
    (bot,) = manifest["bots"]
    assert bot["botId"] == "${{TEAMS_CLIENT_ID}}" and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    for command in bot["commandLists"][0]["commands"]:
        words = command["title"].split()
        table = ESCALATION_VERBS if words[0] == "escalation" else MILESTONE_VERBS
        assert words[-1] in table, command["title"]


def test_icons_have_the_sizes_teams_requires() -> None:
    for name, size in (("color.png", 192), ("outline.png", 32)):
        header = (PACKAGE / name).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", header[16:24]) == (size, size)
