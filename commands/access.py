"""Who may be answered at all, and what may be written: the two checks every entry point makes before a
command or a click is handled."""

from __future__ import annotations

from bot.governance.guard import refused_kinds
from bot.governance.identifiers import explanation
from bot.i18n import _
from commands.context import CommandContext
from commands.replies import Reply, refusal


def stranger() -> Reply:
    """One sentence: a stranger learns nothing about the plans, not even which commands exist."""
    return refusal(_("I only answer people in the milestones directory; ask a milestones-bot administrator to add "
                     "your work email."))  # fmt: skip


def identifier_refusal(texts: list[str | None], ctx: CommandContext) -> Reply | None:
    """A refusal when any of the texts holds a patient identifier (the refusal is counted, the text is not
    kept); None when they may be stored and shown."""
    kinds = refused_kinds(texts, session=ctx.session, source=ctx.source, now=ctx.now, today=ctx.today)
    return refusal(*explanation(kinds)) if kinds else None
