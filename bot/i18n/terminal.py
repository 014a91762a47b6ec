"""The language of someone at a terminal: the POSIX locale variables, so `LANG=cy_GB.UTF-8 milestones-bot
import …` prints the import summary in Welsh. Chat answers follow the person asked about instead."""

from __future__ import annotations

import os

from bot.i18n.language import Language


def terminal_language() -> Language:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "cy" if value.lower().startswith("cy") else "en"
    return "en"
