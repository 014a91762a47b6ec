"""What the context's observer (commands/context.py) is told about a command: its name, the command's kind
(`overdue`, `escalation_today`) and never its text, so nothing typed reaches a metric's label; and how it
ended."""

from __future__ import annotations

import re

from commands.access import stranger
from commands.model import ParseProblem
from commands.replies import Reply

UNKNOWN = "unknown"
NOT_UNDERSTOOD = "not_understood"
OUTCOMES = {"info": "answered", "success": "answered", "refusal": "refused", "error": "failed"}


def command_name(command: object) -> str:
    if isinstance(command, ParseProblem):
        return NOT_UNDERSTOOD
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(command).__name__).lower()


def outcome(reply: Reply) -> str:
    """answered, refused (the bot said no: unknown action, not allowed, a patient identifier), failed (a
    fault inside), or stranger (someone not in the directory)."""
    # The stranger's refusal is built in the reader's language, so it is recognised by what it says.
    return "stranger" if reply == stranger() else OUTCOMES[reply.tone]
