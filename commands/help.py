"""Help texts: what each command does, with an example a person can copy."""

from __future__ import annotations

from bot.i18n import N_, _
from commands.model import Help
from commands.replies import Line, Reply, Section, Text, line

MILESTONE_HELP: dict[str, tuple[str, str]] = {
    "overdue": ("overdue [plan:KEY] [org:CODE] [lead:TEXT] [public] [page:N]",
                "Overdue actions grouped by plan, oldest first; `plan:KEY` pages through one plan. `public` posts "
                "the answer to the channel."),
    "due": ("due [14d] [page:N]", "Actions due from today to the given number of days (or weeks: `2w`) ahead."),
    "mine": ("mine [page:N]", "Your actions: overdue first, then open, then closed."),
    "home": ("home", N_("Your actions, the services you report for with today's level, and your team.")),
    "show": ("show esr/1.a",
             "One action in full, with its status history; `show esr/1.c` lists every board's delivery."),
    "plan": ("plan esr", "A plan's recommendations and actions, each with where it stands."),
    "update": ('update esr/1.a at_risk "waiting for WG"',
               "Record a new status (not_started, on_track, at_risk, blocked, done, dropped) with an optional note."),
    "assign": ("assign esr/1.a someone@example.nhs.wales", "Make someone the accountable owner of an action."),
    "snooze": ("snooze esr/1.a 1w", "No status prompts for an action for a while (`1d`, `1w`) or until a date."),
    "due-date": ("due-date esr/1.a 2021-03-31",
                 "Set an action's deadline when its plan gave none it could read (kept in its history)."),
    "admin": ("admin failed|unreachable|unowned|undated|identifiers [page:N]",
              "Administrators: messages that failed after retries, people no chat platform can reach, actions "
              "nobody owns yet, actions with no deadline to set, or how often texts with patient identifiers "
              "were refused."),
    "help": ("help [command]", "This help, or the help for one command."),
}  # fmt: skip

ESCALATION_HELP: dict[str, tuple[str, str]] = {
    "report": ('report dental 2 "two dentists off sick" [org:CODE]',
               "Report today's escalation level for a service you report for."),
    "today": ("today [org:CODE] [public]", "Today's latest level per service, and who has not reported yet."),
    "history": ("history dental [30d] [org:CODE] [page:N]", "A service's reported levels over the last days."),
}  # fmt: skip

TOPIC_NAMESPACE = {**{k: "/milestones" for k in MILESTONE_HELP}, **{k: "/escalation" for k in ESCALATION_HELP}}


def help_reply(command: Help, problem: str | None = None) -> Reply:
    topic = (command.topic or "").lower()
    if topic in ("escalation", *ESCALATION_HELP) and topic not in MILESTONE_HELP:
        entries = _entries("/escalation", ESCALATION_HELP, topic)
    elif topic in MILESTONE_HELP and topic != "help":
        entries = _entries("/milestones", MILESTONE_HELP, topic)
    else:
        entries = _entries("/milestones", MILESTONE_HELP, None) + _entries("/escalation", ESCALATION_HELP, None)
    sections = [Section(lines=entries)]
    if problem:
        footer = "References look like `esr/1.a`; a bare `1.a` works when only one plan has it."
        return Reply(title=problem, sections=sections, tone="refusal", footer=footer)
    return Reply(title="What I can do", sections=sections,
                 footer="In Teams or the console you can leave out `/milestones`: just type `overdue`.")  # fmt: skip


def _entries(prefix: str, table: dict[str, tuple[str, str]], only: str | None) -> list[Line]:
    chosen = {only: table[only]} if only in table else table
    # Descriptions written since the Welsh catalogs arrived are marked with N_ and shown in the reader's language.
    return [line(Text(f"{prefix} {usage}", "code"), Text(f" — {_(what)}")) for usage, what in chosen.values()]
