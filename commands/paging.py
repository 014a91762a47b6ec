"""Pages of long lists. A chat message holds a page; every row stays reachable because the "more" line
names the exact command for the next page, written back in the grammar's own words."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace

from bot.i18n import _, current_language, format_number, ngettext
from commands import welsh_words as cy
from commands.model import Admin, DueSoon, EscalationHistory, Mine, Overdue
from commands.replies import Line, Reply, Section

Listing = Overdue | DueSoon | Mine | Admin | EscalationHistory


@dataclass(frozen=True)
class Page:
    """Page `number` (from 1) of a list shown `size` rows at a time."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def count(self, total: int) -> int:
        """How many pages `total` rows fill (at least one)."""
        return max(1, -(-total // self.size))

    def is_past_end(self, total: int) -> bool:
        return self.number > self.count(total)


def command_text(command: Listing) -> str:
    """The command as someone would type it: `/milestones overdue plan:esr lead:"HoPC" page:2`; in Welsh
    words for a reader answered in Welsh (`/milestones hwyr cynllun:esr tudalen:2`)."""
    escalation = isinstance(command, EscalationHistory)
    words = _words(command)
    if command.page > 1:
        words.append(f"page:{command.page}")
    if current_language() == "cy":
        words = _in_welsh(words, cy.ESCALATION_VERBS if escalation else cy.MILESTONE_VERBS)
    return " ".join(["/escalation" if escalation else "/milestones", *words])


def _in_welsh(words: list[str], verbs: dict[str, str]) -> list[str]:
    verb, *rest = words
    welsh = [cy.in_welsh(verb, verbs)]
    for word in rest:
        key, sep, value = word.partition(":")
        if sep and not key.startswith(("'", '"')):
            welsh.append(f"{cy.in_welsh(key, cy.OPTION_KEYS)}:{value}")
        else:
            welsh.append(cy.in_welsh(word, {**cy.FLAGS, **cy.ADMIN_TOPICS}))
    return welsh


def next_page(command: Listing) -> str:
    return command_text(replace(command, page=command.page + 1))


def more_line(command: Listing, remaining: int) -> str | None:
    """`… 12 more: `/milestones overdue plan:esr page:2``, or None when nothing is left."""
    if remaining <= 0:
        return None
    return _("… {count} more: `{command}`").format(count=format_number(remaining), command=next_page(command))


def page_words(page: Page, total: int) -> str:
    """`, page 2 of 3` for a title; nothing when everything fits on one page."""
    pages = page.count(total)
    return _(", page {page} of {pages}").format(page=page.number, pages=pages) if pages > 1 else ""


def past_the_end(command: Listing, page: Page, total: int, counted: str) -> Reply:
    """`counted` is the whole list already counted in the reader's language ("12 overdue actions")."""
    pages = page.count(total)
    first = replace(command, page=1)
    title = ngettext(
        "There is no page {page}: {counted} fill {n} page.", "There is no page {page}: {counted} fill {n} pages.", pages
    )
    return Reply(
        title=title.format(page=page.number, counted=counted, n=pages),
        footer=_("Start again with `{command}`.").format(command=command_text(first)),
        tone="refusal",
    )


@dataclass(frozen=True)
class ListWording:
    """What a paged list says around its rows, already in the reader's language with its total filled in:
    `empty` when there is nothing, `counted` for a page past the end ("12 unowned actions"), `title` above a
    page ("12 actions with no owner yet") and an optional `footer`."""

    empty: str
    counted: str
    title: str
    footer: str | None = None


def paged_list(command: Listing, page: Page, total: int, lines: list[Line], wording: ListWording) -> Reply:
    """A page of `total` rows whose `lines` are the ones on this page: the title says which page, and the
    "more" line names the command for the next one."""
    if not total:
        return Reply(title=wording.empty, tone="success")
    if page.is_past_end(total):
        return past_the_end(command, page, total, wording.counted)
    return Reply(
        title=wording.title + page_words(page, total),
        sections=[Section(lines=lines, more=more_line(command, total - page.offset - len(lines)))],
        footer=wording.footer,
    )


def _words(command: Listing) -> list[str]:
    if isinstance(command, Overdue):
        options = [_option("plan", command.plan), _option("org", command.org), _option("lead", command.lead)]
        return ["overdue", *(o for o in options if o), *(["public"] if command.public else [])]
    if isinstance(command, DueSoon):
        return ["due", f"{command.days}d", *(["public"] if command.public else [])]
    if isinstance(command, Mine):
        return ["mine"]
    if isinstance(command, EscalationHistory):
        return [
            "history",
            shlex.quote(command.service),
            f"{command.days}d",
            *filter(None, [_option("org", command.org)]),
        ]
    return ["admin", command.topic]


def _option(key: str, value: str | None) -> str | None:
    if not value:
        return None
    token = f"{key}:{value}"
    if token == shlex.quote(token):
        return token
    return f'{key}:"{value}"' if '"' not in value else shlex.quote(token)
