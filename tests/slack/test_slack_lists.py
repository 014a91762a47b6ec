"""Long lists from Slack: the "more" line names the next page's command, which Slack answers in turn, and
with the dashboard on the reply links a CSV of the whole list that the server serves without a cookie."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx

from tests.helpers import ADMIN
from tests.slack.conftest import SlackBot
from tests.slack.test_slack_tile_picture import slack_with_dashboard  # noqa: F401  (a fixture)
from tests.test_cli import ESR_OVERDUE


def _slash(bot: SlackBot, text: str, count: int) -> list[dict[str, Any]]:
    assert bot.sender.slash("/milestones", text, user_id="UADMIN").status_code == 200
    calls = bot.slack.wait_for("response:default", count)
    assert len(calls) >= count
    return calls[count - 1].blocks


def _contexts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]


def test_the_more_line_names_the_next_page_and_slack_answers_it(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    first = _slash(slack_bot, "overdue plan:esr", 1)
    (more,) = [c for c in _contexts(first) if c.startswith("… 2 more")]
    command = re.search(r"`/milestones ([^`]+)`", more).group(1)  # type: ignore[union-attr]
    assert command == "overdue plan:esr page:2"
    second = _slash(slack_bot, command, 2)
    assert second[0]["text"]["text"] == "Overdue actions for plan esr, page 2 of 2"
    shown = " ".join(b["text"]["text"] for b in second if b["type"] == "section")
    assert "`esr/1.d`" in shown and "`esr/10.e`" in shown and "`esr/1.a`" not in shown
    assert "milestones-bot export" not in str(first) and "export/actions.csv" not in str(first)  # no dashboard


def test_with_the_dashboard_on_a_long_list_links_its_csv(slack_with_dashboard: SlackBot) -> None:  # noqa: F811
    slack_with_dashboard.slack.add_user("UADMIN", ADMIN)
    blocks = _slash(slack_with_dashboard, "overdue plan:esr", 1)
    links = re.findall(r"<(http[^|>]+)\|Download the whole list \(CSV\)>", str(blocks))
    assert len(links) == 1
    fetched = httpx.get(links[0].replace("&amp;", "&"))
    assert fetched.status_code == 200
    rows = list(csv.DictReader(io.StringIO(fetched.text)))
    # Every overdue row of the plan: 1.a, and each board's delivery of the six actions the boards owe.
    assert sorted(r["Ref"] for r in rows) == ESR_OVERDUE and {r["Delivery"] for r in rows} == {"Overdue"}
