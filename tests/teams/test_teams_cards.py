"""Card rendering limits: Teams refuses messages over ~28 KB, so long replies are cut with a count."""

from __future__ import annotations

import json

from bot.teams.cards import CARD_BUDGET, named_colour, render_card
from commands.replies import Reply, Section, Status, Text, line
from tests.teams.activities import block_text


def test_long_reply_is_cut_to_fit_with_a_count_of_what_was_left_out() -> None:
    lines = [line(Text(f"plan/{n}.a", "code"), f" A long action title number {n} " * 4) for n in range(600)]
    card = render_card(Reply(title="Overdue", sections=[Section(heading="Everything", lines=lines)], footer="end"))
    size = len(json.dumps(card, ensure_ascii=False).encode())
    shown = [e for e in card["body"] if e["type"] == "RichTextBlock" and "plan/" in block_text(e)]
    assert size <= CARD_BUDGET and 0 < len(shown) < 600
    assert block_text(card["body"][-2]) == f"… and {600 - len(shown)} more lines not shown here."
    assert block_text(card["body"][-1]) == "end"


def test_status_colours_map_to_the_named_colours_cards_allow() -> None:
    card = render_card(Reply(title="t", sections=[Section(lines=[line(Status("blocked", "Blocked", "#e01e5a"))])]))
    run = card["body"][1]["inlines"][0]
    assert (run["text"], run["color"]) == ("● Blocked", "Attention")
    assert [named_colour(c) for c in ("#2E7D32", "#F9A825", "#212121", "#1d9bd1", "#8a8d91")] == [
        "Good", "Warning", "Attention", "Accent", "Default"]  # fmt: skip
