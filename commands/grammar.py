"""One grammar for `/milestones …` and `/escalation …`, whatever surface the words came from.

Teams and the console send the words without the slash command, so a leading `/milestones`, `milestones`
or nothing all mean the milestones namespace; `escalation` (with or without the slash) switches to it.
Every command word also has a Welsh form (commands/welsh_words.py: `hwyr`, `dangos esr/1.a`,
`diweddaru esr/1.a mewn-perygl`, `uwchgyfeirio heddiw`) that parses to the same command."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil import parser as date_parser

from bot.i18n import _, current_language
from bot.plans.due_window import parse_due_window
from commands import welsh_words as cy
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

MILESTONES = "milestones"
ESCALATION = "escalation"
_SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
# ASCII digits only: `\d` and str.isdigit also accept `٣` and `²`, which int() reads differently or not at all.
_DURATION = re.compile(r"^(\d{1,3})\s*([dw]?)$", re.IGNORECASE | re.ASCII)
MAX_PAGE = 100_000
# Text shlex and str.split divide alike: no quotes or backslashes, and no whitespace but the four shlex knows
# (str.split also splits at other control characters and Unicode spaces).
_PLAIN = re.compile(r"[\x21\x23-\x26\x28-\x5b\x5d-\x7e \t\r\n]*", re.ASCII)


@dataclass
class Words:
    """The tokens of a command after the namespace and verb, with `key:value` options and flags split out."""

    positional: list[str]
    options: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse(text: str) -> Command | ParseProblem:
    try:
        tokens = split_words(text.translate(_SMART_QUOTES))
    except ValueError:
        return ParseProblem(_('A quotation mark is not closed: put the note inside a pair of "quotes".'))
    namespace, tokens = _namespace(tokens)
    if not tokens:
        return Help(topic=namespace if namespace == ESCALATION else None)
    verb, rest = tokens[0].lower(), tokens[1:]
    table, welsh = (
        (ESCALATION_VERBS, cy.ESCALATION_VERBS) if namespace == ESCALATION else (MILESTONE_VERBS, cy.MILESTONE_VERBS)
    )
    builder = table.get(cy.in_english(verb, welsh))
    if builder is None:
        known = ", ".join(sorted(welsh if current_language() == "cy" else table))
        return ParseProblem(_("I don't know the command `{verb}`. Try one of: {known}.").format(verb=verb, known=known),
                            topic=namespace)  # fmt: skip
    return builder(_split_words(rest))


def split_words(text: str) -> list[str]:
    """`shlex.split`: words split at spaces, tabs and line breaks, quotes keeping a note together. Every
    command is parsed on every request, most have no quotes at all, and shlex reads them a character at a
    time: such text is split by `str.split`, which gives the same words for it."""
    if _PLAIN.fullmatch(text):
        return text.split()
    return shlex.split(text)


def _namespace(tokens: list[str]) -> tuple[str, list[str]]:
    first = cy.in_english(tokens[0].lstrip("/"), cy.NAMESPACES).lower() if tokens else ""
    if first in (MILESTONES, ESCALATION):
        return first, tokens[1:]
    if (
        cy.in_english(first, cy.MILESTONE_VERBS) == "help"
        and len(tokens) > 1
        and cy.in_english(tokens[1], cy.NAMESPACES).lower() == ESCALATION
    ):
        return ESCALATION, ["help"]
    return MILESTONES, tokens


def _split_words(tokens: list[str]) -> Words:
    words = Words(positional=[])
    for token in tokens:
        key, sep, value = token.partition(":")
        key = cy.in_english(key, cy.OPTION_KEYS).lower()
        if sep and key in ("plan", "org", "lead", "page") and value:
            words.options[key] = value
        elif cy.in_english(token, cy.FLAGS).lower() == "public":
            words.flags.add("public")
        else:
            words.positional.append(token)
    return words


def written_in_welsh(text: str) -> bool:
    """Whether a command was written with Welsh command words, for answering its writer in Welsh (issue 13).

    True when the namespace, the verb, an option key (`sefydliad:`, `tudalen:`), a flag (`cyhoeddus`), the
    status of an `update`/`diweddaru` or the topic of `admin`/`gweinyddu` is a Welsh form: `hwyr`,
    `dangos esr/1.a`, `overdue sefydliad:bcuhb`, `update esr/1.a mewn-perygl`, `uwchgyfeirio heddiw`. Words
    both languages share (`help`) and free text (refs, notes, codes) say nothing, so `help`, `overdue` and
    `show esr/1.a "diolch"` are False. Text that does not even split into words is False."""
    try:
        tokens = split_words(text.translate(_SMART_QUOTES))
    except ValueError:
        return False
    if any(token.lower().lstrip("/") in cy.NAMESPACES for token in tokens[:2]):  # `cymorth uwchgyfeirio` too
        return True
    namespace, tokens = _namespace(tokens)
    if not tokens:
        return False
    welsh_verbs = cy.ESCALATION_VERBS if namespace == ESCALATION else cy.MILESTONE_VERBS
    verb = tokens[0].lower()
    if verb in welsh_verbs:
        return True
    keys = (t.partition(":")[0].lower() for t in tokens[1:] if ":" in t)
    if any(key in cy.OPTION_KEYS for key in keys) or any(t.lower() in cy.FLAGS for t in tokens[1:]):
        return True
    subject = {"update": 2, "admin": 1}.get(verb)
    return subject is not None and len(tokens) > subject and tokens[subject].lower() in (*cy.STATUSES, *cy.ADMIN_TOPICS)


def is_number(text: str) -> bool:
    """A whole number written with 0-9 only."""
    return text.isascii() and text.isdigit()


def parse_days(token: str) -> int | None:
    """`14d`, `2w` or `14` → a number of days."""
    match = _DURATION.match(token.strip())
    if not match:
        return None
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * 7 if unit == "w" else number


def parse_date(token: str) -> date | None:
    """`2026-12-01`, `1/12/2026` or `1 Dec 2026` (UK order) → a date."""
    if not token.isascii() or not re.search(r"\d", token):
        return None
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", token):
            return date.fromisoformat(token)
        parsed: datetime = date_parser.parse(token, dayfirst=True)
        return parsed.date()
    except (ValueError, OverflowError, TypeError):  # dateutil raises each for some malformed dates
        return None


def _page(words: Words, topic: str) -> int | ParseProblem:
    """`page:2` → 2; the first page when none is given."""
    text = words.options.get("page", "1")
    if not is_number(text) or not 0 < int(text) <= MAX_PAGE:
        return ParseProblem(
            _("`page:{text}` is not a page number: write it like `page:2`.").format(text=text), topic=topic
        )
    return int(text)


def _extra(words: Words, allowed: int, topic: str) -> ParseProblem | None:
    if len(words.positional) > allowed:
        unexpected = " ".join(words.positional[allowed:])
        return ParseProblem(_("I didn't expect `{words}` there.").format(words=unexpected), topic=topic)
    return None


def _overdue(words: Words) -> Command | ParseProblem:
    page = _page(words, "overdue")
    if isinstance(page, ParseProblem):
        return page
    return _extra(words, 0, "overdue") or Overdue(
        plan=words.options.get("plan"),
        org=words.options.get("org"),
        lead=words.options.get("lead"),
        public="public" in words.flags,
        page=page,
    )


def _due(words: Words) -> Command | ParseProblem:
    page = _page(words, "due")
    if isinstance(page, ParseProblem):
        return page
    problem = _extra(words, 1, "due")
    if problem:
        return problem
    if not words.positional:
        return DueSoon(public="public" in words.flags, page=page)
    days = parse_days(words.positional[0])
    if days is None or days == 0:
        not_a_period = _("`{text}` is not a period: write it like `14d` or `2w`.")
        return ParseProblem(not_a_period.format(text=words.positional[0]), topic="due")
    return DueSoon(days=days, public="public" in words.flags, page=page)


def _mine(words: Words) -> Command | ParseProblem:
    page = _page(words, "mine")
    if isinstance(page, ParseProblem):
        return page
    return _extra(words, 0, "mine") or Mine(page=page)


def _home(words: Words) -> Command | ParseProblem:
    return _extra(words, 0, "home") or Home()


def _show(words: Words) -> Command | ParseProblem:
    if len(words.positional) != 1:
        return ParseProblem(_("Say which action to show, for example `show esr/1.a`."), topic="show")
    return Show(ref=words.positional[0])


def _plan(words: Words) -> Command | ParseProblem:
    if len(words.positional) != 1:
        return ParseProblem(_("Say which plan, for example `plan esr`."), topic="plan")
    return PlanOutline(key=words.positional[0])


def _update(words: Words) -> Command | ParseProblem:
    if len(words.positional) < 2:
        return ParseProblem(
            _('Say which action and its new status, for example `update esr/1.a at_risk "waiting for WG"`.'),
            topic="update",
        )
    problem = _extra(words, 3, "update")
    if problem:
        return problem
    note = words.positional[2] if len(words.positional) > 2 else None
    return Update(ref=words.positional[0], status=cy.in_english(words.positional[1], cy.STATUSES), note=note)


def _assign(words: Words) -> Command | ParseProblem:
    if len(words.positional) != 2 or "@" not in words.positional[1]:
        return ParseProblem(
            _("Say which action and who owns it now, for example `assign esr/1.a someone@example.nhs.wales`."),
            topic="assign",
        )
    return Assign(ref=words.positional[0], email=words.positional[1].strip("<>").removeprefix("mailto:"))


def _snooze(words: Words) -> Command | ParseProblem:
    if len(words.positional) != 2:
        return ParseProblem(
            _("Say which action and for how long, for example `snooze esr/1.a 1w` or `snooze esr/1.a 2026-12-01`."),
            topic="snooze",
        )
    ref, when = words.positional
    days = parse_days(when)
    if days is not None and days > 0:
        return Snooze(ref=ref, days=days)
    until = parse_date(when)
    if until is None:
        problem = _("I could not read `{text}` as a period or a date: write `1d`, `1w` or a date like 2026-12-01.")
        return ParseProblem(problem.format(text=when), topic="snooze")
    return Snooze(ref=ref, until=until)


def _due_date(words: Words) -> Command | ParseProblem:
    # The date is read by the timeline reader, so "31 March 2021", "31/03/2021" and "2021-03-31" all work
    # and "03/31/2021" (US order) is refused, as in plans; it must name one day or one month.
    usage = _("Say which action and its deadline, for example `due-date esr/1.a 2021-03-31`.")
    if len(words.positional) < 2:
        return ParseProblem(usage, topic="due-date")
    written = " ".join(words.positional[1:])
    window = parse_due_window(written)
    if window.deadline is None or window.precision not in ("day", "month"):
        problem = _("I could not read `{text}` as one day: write it like 2021-03-31 or 31 March 2021.")
        return ParseProblem(problem.format(text=written), topic="due-date")
    return DueDate(ref=words.positional[0], due=window.deadline)


def _help(words: Words) -> Command | ParseProblem:
    if not words.positional:
        return Help()
    topic = cy.in_english(words.positional[0], {**cy.MILESTONE_VERBS, **cy.ESCALATION_VERBS, **cy.NAMESPACES})
    return Help(topic=topic.lower())


def _report(words: Words) -> Command | ParseProblem:
    if len(words.positional) < 2:
        return ParseProblem(
            _('Say which service and its level, for example `/escalation report dental 2 "two dentists off"`.'),
            topic="report",
        )
    problem = _extra(words, 3, "report")
    if problem:
        return problem
    note = words.positional[2] if len(words.positional) > 2 else None
    return ReportLevel(service=words.positional[0], level=words.positional[1], note=note, org=words.options.get("org"))


def _today(words: Words) -> Command | ParseProblem:
    problem = _extra(words, 0, "today")
    if problem:
        return problem
    return EscalationToday(org=words.options.get("org"), public="public" in words.flags)


def _history(words: Words) -> Command | ParseProblem:
    if not words.positional:
        return ParseProblem(_("Say which service, for example `/escalation history dental 30d`."), topic="history")
    page = _page(words, "history")
    if isinstance(page, ParseProblem):
        return page
    problem = _extra(words, 2, "history")
    if problem:
        return problem
    days = 30
    if len(words.positional) == 2:
        parsed = parse_days(words.positional[1])
        if parsed is None or not 0 < parsed <= 366:
            not_a_period = _("`{text}` is not a period: write it like `30d` (at most a year).")
            return ParseProblem(not_a_period.format(text=words.positional[1]), topic="history")
        days = parsed
    return EscalationHistory(service=words.positional[0], days=days, org=words.options.get("org"), page=page)


def _admin(words: Words) -> Command | ParseProblem:
    topics = ("failed", "unreachable", "unowned", "undated", "identifiers")
    topic = cy.in_english(words.positional[0], cy.ADMIN_TOPICS).lower() if len(words.positional) == 1 else None
    if topic not in topics:
        which = _("Say which: `admin failed`, `admin unreachable`, `admin unowned`, `admin undated` or "
                  "`admin identifiers`.")  # fmt: skip
        return ParseProblem(which, topic="admin")
    page = _page(words, "admin")
    if isinstance(page, ParseProblem):
        return page
    return Admin(topic=topic, page=page)


def _escalation_help(words: Words) -> Command | ParseProblem:
    return Help(topic=ESCALATION)


Builder = Callable[[Words], Command | ParseProblem]

MILESTONE_VERBS: dict[str, Builder] = {
    "overdue": _overdue,
    "due": _due,
    "mine": _mine,
    "home": _home,
    "show": _show,
    "plan": _plan,
    "update": _update,
    "assign": _assign,
    "due-date": _due_date,
    "snooze": _snooze,
    "admin": _admin,
    "help": _help,
}

ESCALATION_VERBS: dict[str, Builder] = {
    "report": _report,
    "today": _today,
    "history": _history,
    "help": _escalation_help,
}


# Language (issue 13): `language`/`iaith` [channel|sianel] [cymraeg|english|both|dwyieithog], in a block of its own.
LANGUAGE_WORDS = {"cymraeg": "cy", "welsh": "cy", "cy": "cy", "english": "en", "saesneg": "en", "en": "en",
                  "both": "both", "dwyieithog": "both", "bilingual": "both"}  # fmt: skip
CHANNEL_WORDS = ("channel", "sianel")


def _language(words: Words) -> Command | ParseProblem:
    tokens = [token.lower() for token in words.positional]
    channel = bool(tokens) and tokens[0] in CHANNEL_WORDS
    rest = tokens[1:] if channel else tokens
    if len(rest) > 1 or (rest and rest[0] not in LANGUAGE_WORDS):
        return ParseProblem(_("Say which language, for example `language cymraeg` or `language english`; "
                              "for a channel: `language channel both`."), topic="language")  # fmt: skip
    if rest and LANGUAGE_WORDS[rest[0]] == "both" and not channel:
        return ParseProblem(_("Only a channel can have both languages: `language channel both`."), topic="language")
    return LanguageChoice(choice=LANGUAGE_WORDS[rest[0]] if rest else None, channel=channel)


MILESTONE_VERBS["language"] = _language  # `iaith` reaches it through commands/welsh_words.py
