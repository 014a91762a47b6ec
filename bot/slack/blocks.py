"""Renders a platform-neutral Reply as Block Kit that Slack accepts and a phone shows well.

Slack rejects a whole message for one oversized block, so every limit is enforced here: at most 50 blocks
in a message (100 in a view), 3000 characters in a section, 150 in a header. Long replies lose whole
lines at the end, replaced by a count of what was left out, never a line cut in half."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from bot.i18n import format_number, ngettext
from commands.replies import Inline, Line, Link, Mention, Picture, Reply, Section, Status, Text

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_ALT_TEXT_CHARS = 2000
# Context elements allow more, but a footer longer than this is unreadable on a phone anyway.
MAX_CONTEXT_CHARS = 2000

TONE_EMOJI = {"info": "", "success": ":white_check_mark: ", "refusal": ":no_entry_sign: ", "error": ":warning: "}
STATUS_EMOJI = {
    "not_started": ":white_circle:",
    "on_track": ":large_green_circle:",
    "at_risk": ":large_orange_circle:",
    "blocked": ":red_circle:",
    "done": ":large_blue_circle:",
    "dropped": ":black_circle:",
}
STYLE_MARK = {"bold": "*", "code": "`", "muted": "_"}
# Rendered lines remembered per process (RenderedBullets): a few MB at most.
LINES_KEPT = 8_192


def escape(text: str) -> str:
    """Slack's mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _styled(text: str, mark: str) -> str:
    # Slack ignores *bold* when the marks touch whitespace, so spaces go outside them.
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{mark}{core}{mark}{trail}"


def inline_mrkdwn(piece: Inline) -> str:
    if isinstance(piece, Mention):
        return f"<@{piece.slack_user_id}>" if piece.slack_user_id else escape(piece.name)
    if isinstance(piece, Link):
        return f"<{piece.url}|{escape(piece.label).replace('|', '/')}>"
    if isinstance(piece, Status):
        emoji = STATUS_EMOJI.get(piece.value)
        return f"{emoji} {escape(piece.label)}" if emoji else _styled(escape(piece.label), "*")
    if isinstance(piece, Text) and piece.style in STYLE_MARK:
        return _styled(escape(piece.text), STYLE_MARK[piece.style])
    return escape(piece.text)


def line_mrkdwn(pieces: Line) -> str:
    return "".join(inline_mrkdwn(piece) for piece in pieces)


class RenderedBullets:
    """Each line's bullet, remembered by the line object itself. A kept answer (bot/storage/answer_cache.py)
    hands out the same lines, immutable tuples of frozen pieces, on every request: rendering them again was
    half the time a cached `overdue` spent in the bot's own code, and looking them up by value still meant
    hashing every piece. An entry holds its line, so no other object can take that identity meanwhile."""

    def __init__(self, max_lines: int = LINES_KEPT) -> None:
        self.max_lines = max_lines
        self._kept: OrderedDict[int, tuple[Line, str]] = OrderedDict()
        self._lock = Lock()

    def __call__(self, pieces: Line) -> str:
        with self._lock:
            kept = self._kept.get(id(pieces))
            if kept is not None and kept[0] is pieces:
                self._kept.move_to_end(id(pieces))
                return kept[1]
        bullet = shorten("• " + line_mrkdwn(pieces), MAX_SECTION_CHARS)
        with self._lock:
            self._kept[id(pieces)] = (pieces, bullet)
            self._kept.move_to_end(id(pieces))
            while len(self._kept) > self.max_lines:
                self._kept.popitem(last=False)
        return bullet


bullet = RenderedBullets()


def text_section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(text, MAX_SECTION_CHARS)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": shorten(text, MAX_CONTEXT_CHARS)}]}


def image_block(picture: Picture) -> Block:
    return {"type": "image", "image_url": picture.url, "alt_text": shorten(picture.alt_text, MAX_ALT_TEXT_CHARS)}


def title_block(reply: Reply) -> Block:
    """A header when the title fits one; otherwise a bold section, so the title is never cut."""
    title = TONE_EMOJI[reply.tone] + reply.title
    if len(title) <= MAX_HEADER_CHARS:
        return {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}
    return text_section(_styled(escape(title), "*"))


def section_texts(section: Section) -> list[str]:
    """The section as mrkdwn texts, each under Slack's limit, split only between lines."""
    texts: list[str] = []
    current = [f"*{escape(section.heading)}*"] if section.heading else []
    size = len(current[0]) if current else 0  # of the text `current` joins into
    for pieces in section.lines:
        shown = bullet(pieces)
        if current and size + 1 + len(shown) > MAX_SECTION_CHARS:
            texts.append("\n".join(current))
            current = []
        size = size + 1 + len(shown) if current else len(shown)
        current.append(shown)
    if current:
        texts.append("\n".join(current))
    return texts


SectionExtra = Callable[[Section], list[Block]]


def _body_units(reply: Reply, extra: SectionExtra | None) -> list[tuple[list[Block], int]]:
    """The body in units that are kept or dropped whole, each with the number of reply lines it carries (for
    the 'not shown' count): every text block alone, except a section with its own buttons (`extra`), which
    stays together with them."""
    units: list[tuple[list[Block], int]] = []
    for section in reply.sections:
        texts = [(text_section(text), text.count("\n• ") + text.startswith("• ")) for text in section_texts(section)]
        below = extra(section) if extra is not None else []
        if below:
            units.append(([block for block, _ in texts] + below, sum(lines for _, lines in texts)))
        else:
            units.extend(([block], lines) for block, lines in texts)
        if section.more:
            units.append(([context(escape(section.more))], 0))
    return units


def reply_blocks(
    reply: Reply, *, max_blocks: int = MAX_MESSAGE_BLOCKS, reserve: int = 0, extra: SectionExtra | None = None
) -> list[Block]:
    """The reply's blocks, leaving room for `reserve` more (a prompt's buttons) within `max_blocks`. `extra`
    gives blocks to show right under a section (its own buttons)."""
    footer = [context(escape(reply.footer))] if reply.footer else []
    picture = [image_block(reply.picture)] if reply.picture else []
    blocks = [title_block(reply)]
    room = max_blocks - reserve - len(blocks) - len(picture) - len(footer)
    used = 0
    units = _body_units(reply, extra)
    for index, (unit, _) in enumerate(units):
        rest = len(units) - index - 1
        if used + len(unit) > (room if rest == 0 else room - 1):
            hidden = sum(lines for _, lines in units[index:])
            left_out = ngettext("… and {n} more line not shown here.", "… and {n} more lines not shown here.", hidden)
            blocks.append(context(left_out.format(n=format_number(hidden))))
            break
        blocks.extend(unit)
        used += len(unit)
    return blocks + picture + footer


def fallback_text(reply: Reply) -> str:
    """The plain text Slack shows in notifications and to screen readers."""
    return shorten(reply.title, MAX_SECTION_CHARS)
