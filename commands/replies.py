"""Platform-neutral replies. Handlers build these; Slack, Teams and the console only render them.

A reply is a title, sections of lines, and a footer. A line is a sequence of inline pieces, so renderers can
turn a person into a mention and a status into a badge without parsing text. A reply may also carry a
`Prompt`: a question the recipient answers by clicking (escalation check-in), and a `Picture` shown after the
sections. A section may carry its own prompt: each action in a bundled status prompt has its own buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Tone = Literal["info", "success", "refusal", "error"]
Style = Literal["plain", "bold", "code", "muted"]


@dataclass(frozen=True)
class Text:
    text: str
    style: Style = "plain"


@dataclass(frozen=True)
class Mention:
    """A person, so each surface can @mention them (Slack user id, Teams id) or fall back to the name."""

    name: str
    email: str
    slack_user_id: str | None = None
    teams_id: str | None = None


@dataclass(frozen=True)
class Status:
    """An action status (`on_track`) or escalation level (`3`), for a coloured badge where one is possible."""

    value: str
    label: str
    colour: str | None = None


@dataclass(frozen=True)
class Link:
    """An address shown as clickable `label` where the platform allows it (the dashboard link in a digest)."""

    url: str
    label: str


Inline = Text | Mention | Status | Link
Line = tuple[Inline, ...]


def line(*pieces: Inline | str) -> Line:
    return tuple(Text(p) if isinstance(p, str) else p for p in pieces)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    description: str | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Prompt:
    """A question answered by clicking. `kind` is `status` (choices are statuses plus `snooze`),
    `escalation` (choices are levels), `page` (choices turn to another page of a bundled prompt) or `language`
    (Cymraeg or English, offered once).
    `subject` identifies what is answered (`bundle:<person>:<action>`, `checkin:<org>:<service>`), and
    together with `asked_on` and the message clicked it makes the answer idempotent. An empty `question`
    is not shown (an action's buttons under its own lines)."""

    kind: Literal["status", "escalation", "page", "language"]
    subject: str
    question: str
    choices: tuple[Choice, ...]
    asked_on: date
    allow_note: bool = True


@dataclass
class Section:
    heading: str | None = None
    lines: list[Line] = field(default_factory=list)
    # Shown after the lines when some were left out: "… and 12 more overdue in this plan".
    more: str | None = None
    # Buttons about this section alone, shown right under it (one action of a bundled status prompt).
    prompt: Prompt | None = None


@dataclass(frozen=True)
class Receipt:
    """What an answered prompt turns into: the original message is replaced by this, so a second click
    cannot record twice by accident."""

    summary: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Picture:
    """An image the platform fetches by address (the escalation tile picture). It only adds to the text,
    which stays complete; `alt_text` says what it shows for screen readers and the console."""

    url: str
    alt_text: str


@dataclass
class Reply:
    title: str
    sections: list[Section] = field(default_factory=list)
    footer: str | None = None
    tone: Tone = "info"
    public: bool = False
    prompt: Prompt | None = None
    receipt: Receipt | None = None
    picture: Picture | None = None
    # The clicked message is redrawn as this reply (a bundle after one of its actions was answered, or
    # another page of it), rather than the reply going to the clicker alone.
    redraws_prompt: bool = False
    # The language it is written in ("cy", "en", or "both" for a channel answered in both), so a surface
    # renders its own words (buttons, notes) to match; None: the current language (commands/audience.py).
    language: str | None = None

    @property
    def replaces_prompt(self) -> bool:
        """Whether a click's reply takes the place of the message clicked: a receipt, or a redrawn bundle."""
        return self.receipt is not None or self.redraws_prompt

    def plain_lines(self) -> list[str]:
        """Every line as plain text: for logs, notifications' fallback text and tests."""
        out = [self.title]
        for section in self.sections:
            if section.heading:
                out.append(section.heading)
            out.extend(inline_text(ln) for ln in section.lines)
            if section.more:
                out.append(section.more)
        if self.footer:
            out.append(self.footer)
        return out


def inline_text(pieces: Line) -> str:
    parts: list[str] = []
    for piece in pieces:
        if isinstance(piece, Text):
            parts.append(piece.text)
        elif isinstance(piece, Mention):
            parts.append(piece.name)
        elif isinstance(piece, Link):
            parts.append(f"{piece.label} ({piece.url})")
        else:
            parts.append(piece.label)
    return "".join(parts)


def refusal(title: str, *details: str) -> Reply:
    return Reply(title=title, sections=[Section(lines=[line(d) for d in details])] if details else [], tone="refusal")


def error(title: str, *details: str) -> Reply:
    return Reply(title=title, sections=[Section(lines=[line(d) for d in details])] if details else [], tone="error")
