"""The single entry point every surface calls: text in, platform-neutral reply out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from time import perf_counter
from typing import Any

from bot.governance.identifiers import redacted
from bot.i18n import _
from commands import admin, deadlines, escalation, home, lists, milestones, plans
from commands.access import identifier_refusal, stranger
from commands.context import CommandContext
from commands.grammar import parse
from commands.help import help_reply
from commands.language import language
from commands.model import (
    Admin,
    Assign,
    Command,
    DueDate,
    DueSoon,
    EscalationHistory,
    EscalationToday,
    Help,
    Home,
    LanguageChoice,
    Mine,
    Overdue,
    ParseProblem,
    PlanOutline,
    ReportLevel,
    Show,
    Snooze,
    Update,
)
from commands.observation import UNKNOWN, command_name, tell_observer
from commands.replies import Reply, error

log = logging.getLogger(__name__)

HANDLERS: dict[type[Any], Callable[[Any, CommandContext], Reply]] = {
    Overdue: lists.overdue,
    DueSoon: lists.due,
    Mine: lists.mine,
    Home: home.home,
    Show: milestones.show,
    PlanOutline: plans.outline,
    Update: milestones.update,
    Assign: milestones.assign,
    DueDate: deadlines.due_date,
    Snooze: milestones.snooze,
    Help: lambda command, _ctx: help_reply(command),
    ReportLevel: escalation.report,
    EscalationToday: escalation.today,
    EscalationHistory: escalation.history,
    Admin: admin.admin,
    LanguageChoice: language,
}


# Commands that only read are answered without a savepoint: a failure has nothing of theirs to undo, and on
# SQLite a savepoint opens the write transaction (bot/storage/database.py), which a read should not wait for.
READS_ONLY: tuple[type[Any], ...] = (Overdue, DueSoon, Mine, Home, Show, PlanOutline, Help, EscalationToday,
                                     EscalationHistory, Admin, ParseProblem)  # fmt: skip


def handle(command: Command | ParseProblem, ctx: CommandContext) -> Reply:
    if isinstance(command, ParseProblem):
        return help_reply(Help(topic=command.topic), problem=command.message)
    return HANDLERS[type(command)](command, ctx)


def answer(text: str, ctx: CommandContext) -> Reply:
    """Parses and answers one message, and tells the context's observer which command it was, how it ended
    and how long it took."""
    started = perf_counter()
    name, reply = _answered(text, ctx)
    tell_observer(ctx, name, reply, started)
    return reply


def _answered(text: str, ctx: CommandContext) -> tuple[str, Reply]:
    """The command's name and its reply. A fault inside becomes a short apology, never a stack trace.

    Chat surfaces answer only people in the directory (the console is trusted: whoever runs it holds the
    database). A text with a patient identifier is refused before anything reads it, so it is never stored,
    shown or logged."""
    if ctx.actor is None and ctx.source != "console":
        return UNKNOWN, stranger()
    name = UNKNOWN
    try:
        command = parse(text)
        with _undoable(command, ctx):
            refused = identifier_refusal([text], ctx)
            if refused is not None:
                return name, refused
            name = command_name(command)
            return name, handle(command, ctx)
    except Exception:
        log.exception("command failed: %r", redacted(text, today=ctx.today))
        return name, error(_("Sorry, something went wrong on my side and nothing was changed."),
                           _("The problem has been logged; please try again in a minute."))  # fmt: skip


def _undoable(command: Command | ParseProblem, ctx: CommandContext) -> AbstractContextManager[object]:
    """A savepoint around a command that writes, so that a failure undoes its half-made changes and the
    surface's own work in the same transaction (a first-seen platform id, a delivery's record) still commits.
    A refused identifier is recorded either way: it is one row added, written at commit."""
    return nullcontext() if isinstance(command, READS_ONLY) else ctx.session.begin_nested()
