"""The Welsh forms of the command words (issue 13). Each Welsh word parses to the same command as its English
one, which keeps working for everyone; help and the "next page" commands write the Welsh forms for a reader
answered in Welsh. Terms follow the glossary (docs/glossary-cy.md): `hwyr` overdue, `dyledus` due, `neilltuo`
assign, `gohirio` snooze, `uwchgyfeirio` escalation…"""

from __future__ import annotations

from bot.i18n import current_language

NAMESPACES = {"cerrig-milltir": "milestones", "uwchgyfeirio": "escalation"}

MILESTONE_VERBS = {
    "hwyr": "overdue",
    "dyledus": "due",
    "fy-rhai": "mine",
    "cartref": "home",
    "dangos": "show",
    "cynllun": "plan",
    "diweddaru": "update",
    "neilltuo": "assign",
    "dyddiad-cau": "due-date",
    "gohirio": "snooze",
    "gweinyddu": "admin",
    "cymorth": "help",
    # `language` itself (and its handler) comes with the language picker (cy-people's branch).
    "iaith": "language",
}

ESCALATION_VERBS = {"adrodd": "report", "heddiw": "today", "hanes": "history", "cymorth": "help"}

# `key:value` options and bare flags.
OPTION_KEYS = {"cynllun": "plan", "sefydliad": "org", "arweinydd": "lead", "tudalen": "page"}
FLAGS = {"cyhoeddus": "public"}

ADMIN_TOPICS = {
    "wedi-methu": "failed",
    "anghyrraeddadwy": "unreachable",
    "heb-berchennog": "unowned",
    "heb-ddyddiad": "undated",
    "dynodwyr": "identifiers",
}

# A status as `update` takes it; the first Welsh word for each status is the one help and replies write.
STATUSES = {
    "heb-ddechrau": "not_started",
    "ar-y-trywydd": "on_track",
    "ar-y-trywydd-iawn": "on_track",
    "mewn-perygl": "at_risk",
    "wedi-rhwystro": "blocked",
    "wedi-gorffen": "done",
    "wedi-cwblhau": "done",
    "wedi-gollwng": "dropped",
}


def in_english(word: str, welsh: dict[str, str]) -> str:
    """The English word a Welsh one stands for (lower case); any other word as it was written."""
    return welsh.get(word.lower(), word)


def in_welsh(english: str, welsh: dict[str, str]) -> str:
    """The (first) Welsh form of an English word; the English word when it has none."""
    return next((cy for cy, en in welsh.items() if en == english), english)


def readers_word(english: str, welsh: dict[str, str]) -> str:
    """A command word as the current reader would type it: Welsh for a reader answered in Welsh."""
    return in_welsh(english, welsh) if current_language() == "cy" else english
