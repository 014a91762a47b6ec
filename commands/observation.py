"""What the context's observer (commands/context.py) is told about a command: its name, the command's kind
(`overdue`, `escalation_today`) and never its text, so nothing typed reaches a metric's label; and how it
ended."""

from __future__ import annotations

import re
from time import perf_counter

from commands.access import stranger
from commands.context import CommandContext
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


def tell_observer(ctx: CommandContext, name: str, reply: Reply, started: float) -> None:
    """Tells the context's observer, if any, that `name` ended with `reply`, begun at `started` (perf_counter)."""
    if ctx.observer is not None:
        ctx.observer.command_answered(name, outcome(reply), perf_counter() - started)
