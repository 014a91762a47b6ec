"""Help texts: what each command does, with an example a person can copy. A reader answered in Welsh sees the
Welsh form of each command first, with the English word it stands for in brackets (both parse)."""

from __future__ import annotations

from bot.i18n import N_, _, current_language
from commands.model import Help
from commands.replies import Line, Reply, Section, Text, line

# verb: (usage, what it does, usage with the Welsh words)
MILESTONE_HELP: dict[str, tuple[str, str, str]] = {
    "overdue": ("overdue [plan:KEY] [org:CODE] [lead:TEXT] [public] [page:N]",
                N_("Overdue actions grouped by plan, oldest first; `plan:KEY` pages through one plan. `public` posts "
                   "the answer to the channel."),
                "hwyr [cynllun:ALLWEDD] [sefydliad:COD] [arweinydd:TESTUN] [cyhoeddus] [tudalen:N]"),
    "due": ("due [14d] [page:N]", N_("Actions due from today to the given number of days (or weeks: `2w`) ahead."),
            "dyledus [14d] [tudalen:N]"),
    "mine": ("mine [page:N]", N_("Your actions: overdue first, then open, then closed."), "fy-rhai [tudalen:N]"),
    "home": ("home", N_("Your actions, the services you report for with today's level, and your team."), "cartref"),
    "show": ("show esr/1.a",
             N_("One action in full, with its status history; `show esr/1.c` lists every board's delivery."),
             "dangos esr/1.a"),
    "plan": ("plan esr", N_("A plan's recommendations and actions, each with where it stands."), "cynllun esr"),
    "update": ('update esr/1.a at_risk "waiting for WG"',
               N_("Record a new status (not_started, on_track, at_risk, blocked, done, dropped) with an optional "
                  "note."),
               'diweddaru esr/1.a mewn-perygl "aros am LlC"'),
    "assign": ("assign esr/1.a someone@example.nhs.wales", N_("Make someone the accountable owner of an action."),
               "neilltuo esr/1.a rhywun@example.nhs.wales"),
    "snooze": ("snooze esr/1.a 1w", N_("No status prompts for an action for a while (`1d`, `1w`) or until a date."),
               "gohirio esr/1.a 1w"),
    "due-date": ("due-date esr/1.a 2021-03-31",
                 N_("Set an action's deadline when its plan gave none it could read (kept in its history)."),
                 "dyddiad-cau esr/1.a 2021-03-31"),
    "admin": ("admin failed|unreachable|unowned|undated|identifiers [page:N]",
              N_("Administrators: messages that failed after retries, people no chat platform can reach, actions "
                 "nobody owns yet, actions with no deadline to set, or how often texts with patient identifiers "
                 "were refused."),
              "gweinyddu wedi-methu|anghyrraeddadwy|heb-berchennog|heb-ddyddiad|dynodwyr [tudalen:N]"),
    "language": ("language [cymraeg|english] | language channel cymraeg|english|both",
                 N_("The language I answer you in (or, with `channel`, answer in this channel); on its own, shows it."),
                 "iaith [cymraeg|english] | iaith sianel cymraeg|english|dwyieithog"),
    "help": ("help [command]", N_("This help, or the help for one command."), "cymorth [gorchymyn]"),
}  # fmt: skip

ESCALATION_HELP: dict[str, tuple[str, str, str]] = {
    "report": ('report dental 2 "two dentists off sick" [org:CODE]',
               N_("Report today's escalation level for a service you report for."),
               'adrodd dental 2 "dau ddeintydd yn sâl" [sefydliad:COD]'),
    "today": ("today [org:CODE] [public]", N_("Today's latest level per service, and who has not reported yet."),
              "heddiw [sefydliad:COD] [cyhoeddus]"),
    "history": ("history dental [30d] [org:CODE] [page:N]", N_("A service's reported levels over the last days."),
                "hanes dental [30d] [sefydliad:COD] [tudalen:N]"),
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
        footer = _("References look like `esr/1.a`; a bare `1.a` works when only one plan has it.")
        return Reply(title=problem, sections=sections, tone="refusal", footer=footer)
    return Reply(title=_("What I can do"), sections=sections,
                 footer=_("In Teams or the console you can leave out `/milestones`: just type `overdue`."))  # fmt: skip


def _entries(prefix: str, table: dict[str, tuple[str, str, str]], only: str | None) -> list[Line]:
    chosen = {only: table[only]} if only in table else table
    return [_entry(prefix, verb, *entry) for verb, entry in chosen.items()]


def _entry(prefix: str, verb: str, usage: str, what: str, welsh_usage: str) -> Line:
    if current_language() == "cy":
        return line(Text(f"{prefix} {welsh_usage}", "code"), Text(f" ({verb})", "muted"), Text(f" — {_(what)}"))
    return line(Text(f"{prefix} {usage}", "code"), Text(f" — {_(what)}"))
