"""Renders a platform-neutral reply as terminal text."""

from __future__ import annotations

import textwrap

from bot.i18n import _
from commands.replies import Line, Link, Mention, Reply, Status, Text

TONE_MARK = {"info": "", "success": "✓ ", "refusal": "✗ ", "error": "! "}


def render_inline(pieces: Line) -> str:
    parts: list[str] = []
    for piece in pieces:
        if isinstance(piece, Mention):
            parts.append(f"@{piece.name}")
        elif isinstance(piece, Status):
            parts.append(f"[{piece.label}]")
        elif isinstance(piece, Link):
            parts.append(f"{piece.label} <{piece.url}>")
        elif isinstance(piece, Text):
            parts.append(piece.text)
    return "".join(parts)


def render_text(reply: Reply, width: int = 100) -> str:
    out = [TONE_MARK[reply.tone] + reply.title]
    for section in reply.sections:
        out.append("")
        if section.heading:
            out.append(section.heading)
        for pieces in section.lines:
            # Long words are addresses (dashboard links): wrapped whole, never cut, so they stay usable.
            out.append(textwrap.fill(render_inline(pieces), width, initial_indent="  • ", subsequent_indent="    ",
                                     break_long_words=False, break_on_hyphens=False))  # fmt: skip
        if section.more:
            out.append("    " + section.more)
        if section.prompt is not None and section.prompt.choices:
            # The terminal cannot click: the choices are shown so the prompt reads the same everywhere.
            out.append("    " + " ".join(f"[{choice.label}]" for choice in section.prompt.choices))
    if reply.picture:
        out.append("")
        out.append(_("Picture: {description}").format(description=reply.picture.alt_text))
        out.append(f"  {reply.picture.url}")
    if reply.prompt:
        out.append("")
        out.append(reply.prompt.question)
        out.extend(f"  [{n}] {choice.label}" for n, choice in enumerate(reply.prompt.choices, start=1))
    if reply.footer:
        out.append("")
        out.append(textwrap.fill(reply.footer, width))
    return "\n".join(out)
