"""The typed commands every surface's text is parsed into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Overdue:
    plan: str | None = None
    org: str | None = None
    lead: str | None = None
    public: bool = False
    page: int = 1


@dataclass(frozen=True)
class DueSoon:
    days: int = 14
    public: bool = False
    page: int = 1


@dataclass(frozen=True)
class Mine:
    page: int = 1


@dataclass(frozen=True)
class Home:
    """Your actions, the services you report for and your team, in one answer."""


@dataclass(frozen=True)
class Show:
    ref: str


@dataclass(frozen=True)
class PlanOutline:
    """A plan's recommendations and their actions, each with where it stands."""

    key: str


@dataclass(frozen=True)
class Update:
    ref: str
    status: str
    note: str | None = None


@dataclass(frozen=True)
class DueDate:
    """Set an action's deadline by hand (kept in its deadline history)."""

    ref: str
    due: date


@dataclass(frozen=True)
class Assign:
    ref: str
    email: str


@dataclass(frozen=True)
class Snooze:
    ref: str
    until: date | None = None
    days: int | None = None


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class ReportLevel:
    service: str
    level: str
    note: str | None = None
    org: str | None = None


@dataclass(frozen=True)
class EscalationToday:
    org: str | None = None
    public: bool = False


@dataclass(frozen=True)
class EscalationHistory:
    service: str
    days: int = 30
    org: str | None = None
    page: int = 1


@dataclass(frozen=True)
class Admin:
    """For administrators: `failed` messages, people no platform can reach, `unowned` or `undated` actions, or
    how often the patient-identifier guard refused a text (`identifiers`)."""

    topic: str
    page: int = 1


@dataclass(frozen=True)
class LanguageChoice:
    """`language` shows the asker's language; `language cymraeg|english` sets it; `language channel
    cymraeg|english|both` sets the language of replies posted in the channel it is typed in (`choice` is
    "cy", "en" or "both"; None only shows)."""

    choice: str | None = None
    channel: bool = False


@dataclass(frozen=True)
class ParseProblem:
    """Text that is not a valid command: answered with the message and the help for `topic`."""

    message: str
    topic: str | None = None


Command = (
    Overdue
    | DueSoon
    | Mine
    | Home
    | Show
    | PlanOutline
    | Update
    | Assign
    | DueDate
    | Snooze
    | Help
    | ReportLevel
    | EscalationToday
    | EscalationHistory
    | Admin
    | LanguageChoice
)
