"""Pages of long lists. A chat message holds a page; every row stays reachable because the "more" line
names the exact command for the next page, written back in the grammar's own words."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace

from commands.model import Admin, DueSoon, EscalationHistory, Mine, Overdue
from commands.replies import Reply
from commands.views import plural

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
    """The command as someone would type it: `/milestones overdue plan:esr lead:"HoPC" page:2`."""
    namespace = "/escalation" if isinstance(command, EscalationHistory) else "/milestones"
    words = [namespace, *_words(command)]
    if command.page > 1:
        words.append(f"page:{command.page}")
    return " ".join(words)


def next_page(command: Listing) -> str:
    return command_text(replace(command, page=command.page + 1))


def more_line(command: Listing, remaining: int) -> str | None:
    """`… 12 more: `/milestones overdue plan:esr page:2``, or None when nothing is left."""
    return f"… {remaining:,} more: `{next_page(command)}`" if remaining > 0 else None


def page_words(page: Page, total: int) -> str:
    """`, page 2 of 3` for a title; nothing when everything fits on one page."""
    pages = page.count(total)
    return f", page {page.number} of {pages}" if pages > 1 else ""


def past_the_end(command: Listing, page: Page, total: int, noun: str) -> Reply:
    pages = page.count(total)
    first = replace(command, page=1)
    return Reply(
        title=f"There is no page {page.number}: {plural(total, noun)} fill {plural(pages, 'page')}.",
        footer=f"Start again with `{command_text(first)}`.",
        tone="refusal",
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
