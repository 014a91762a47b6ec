# ruff: noqa: RUF001 (digits from other scripts are what these tests feed in)
"""Property-based tests (Hypothesis) with bounded example counts: whatever is typed, clicked or put in an
address, the bot answers with a reply or a 4xx, never an unhandled exception or HTTP 500. Commands are
answered on the seeded SQLite database, each example in a transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.storage.database import Database
from commands.context import CommandContext
from commands.dispatch import answer
from commands.grammar import parse
from commands.prompts import PromptAnswer, answer_prompt
from tests.dashboard.live import LiveDashboard, start_dashboard
from tests.helpers import ADMIN, person
from tests.slack.conftest import SlackBot, slack_bot  # noqa: F401 (the Slack tests' fixture)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SORRY = "something went wrong"
NOW = datetime(2021, 1, 15, 10, 0, tzinfo=UTC)

WORDS = ["/milestones", "/escalation", "overdue", "due", "mine", "show", "plan", "update", "assign", "snooze",
         "help", "admin", "failed", "unowned", "report", "today", "history", "public", "esr/1.a", "esr/1.c@cvuhb",
         "pacesetter/3.3.4#2020-12-31", "1.a", "dental", "gds", "on_track", "done", "dropped", "at risk", "2w",
         "14d", "0d", "999d", "2021-02-01", "0001-01-01", "31/02/2021", "page:2", "page:0", "page:²", "org:cvuhb",
         "org:", "plan:esr", "lead:WG", "²", "٣", "١٢", "3", "-1", "99999999999999999999", '"note"', '"', "'",
         "“smart”", "admin@example.nhs.wales", "<mailto:x@y>", "\n", "\t", "\x00", "🙂", "@", ":", "#",
         "/"]  # fmt: skip
command_texts = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=7).map(" ".join)


def _rolled_back(database: Database) -> Iterator[CommandContext]:
    with database.sessions() as session:
        yield CommandContext(session=session, actor=person(session, ADMIN), clock=FixedClock(NOW))
        session.rollback()


@FUZZ
@given(text=command_texts)
def test_any_command_text_gets_a_reply(sqlite_db: Database, text: str) -> None:
    parse(text)  # never raises
    for ctx in _rolled_back(sqlite_db):
        reply = answer(text, ctx)
        assert SORRY not in reply.title, text


subjects = st.one_of(
    st.builds(
        lambda k, a, b: f"{k}:{a}:{b}",
        st.sampled_from(["bundle", "action", "checkin", "x"]),
        st.sampled_from(["1", "2", "0", "²", "٣", "-1", "", "99999999999999999999999"]),
        st.sampled_from(["1", "3", "", "²", "x"]),
    ),
    st.text(max_size=20),
)
CLICKED = ["on_track", "done", "dropped", "snooze:7", "snooze:-1", "snooze:36500", "snooze:²", "page:2", "page:²",
           "1", "4", "9", "٣", ""]  # fmt: skip
values = st.one_of(st.sampled_from(CLICKED), st.text(max_size=10))
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@FUZZ
@given(subject=subjects, value=values, asked_on=days, note=st.none() | st.text(max_size=30))
def test_any_click_gets_a_reply(sqlite_db: Database, subject: str, value: str, asked_on: date,
                                note: str | None) -> None:  # fmt: skip
    for ctx in _rolled_back(sqlite_db):
        reply = answer_prompt(PromptAnswer(subject, value, asked_on, "slack:C1:1", note), ctx)
        offered = value in ("on_track", "done", "snooze:7") or (subject.startswith("checkin") and value in "1234")
        assert reply.receipt is None or offered, (subject, value)


@pytest.fixture
def dashboard(sqlite_db: Database, clock: FixedClock) -> Iterator[LiveDashboard]:
    live = start_dashboard(sqlite_db, clock)
    yield live
    live.stop()


query_values = st.one_of(st.sampled_from(["0001-01-01", "0001-01-05", "9999-12-31", "2021-01-15", "2021-02-30",
                                          "٢٠٢١-٠١-١٥", "²", "", "overdue", "due", "0", "366", "367", "-1", "1e9"]),
                         st.text(max_size=12))  # fmt: skip


@FUZZ
@given(path=st.sampled_from(["/dashboard/tiles.png", "/dashboard/org/cvuhb/export/escalation.csv",
                             "/dashboard/org/cvuhb/export/actions.xlsx", "/dashboard/org/wales"]),
       params=st.dictionaries(st.sampled_from(["day", "from", "to", "days", "only", "plan", "org", "until", "sig"]),
                              query_values, max_size=4))  # fmt: skip
def test_any_query_gets_an_answer_not_a_500(dashboard: LiveDashboard, path: str, params: dict[str, str]) -> None:
    with httpx.Client(base_url=dashboard.url) as browser:
        browser.get(dashboard.link("wales"))
        response = browser.get(path + "?" + urlencode(params))
    assert response.status_code < 500, (path, params)


@FUZZ
# A header value is any text but control characters (which no HTTP client can send).
@given(timestamp=st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), payload=st.text(max_size=40))
def test_any_slack_header_or_payload_gets_an_answer_not_a_500(slack_bot: SlackBot, timestamp: str,  # noqa: F811
                                                              payload: str) -> None:  # fmt: skip
    body = urlencode({"payload": payload})
    signed = slack_bot.sender.post(body, "application/x-www-form-urlencoded")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Signature": "v0=00",
               "X-Slack-Request-Timestamp": timestamp.encode("utf-8", "replace")}  # fmt: skip
    raw = slack_bot.sender.http.post("/slack/events", content=body, headers=headers)
    assert signed.status_code < 500 and raw.status_code < 500, (timestamp, payload)
