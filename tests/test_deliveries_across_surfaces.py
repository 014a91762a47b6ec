"""A board's Head of Primary Care marks their delivery done in Slack; every surface that reports on it moves:
the national roll-up, their manager's weekly digest, the dashboard's share delivered per board, the export."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from bot.clock import FixedClock, london_today
from bot.directory.models import Organisation
from bot.exports.actions import ActionSelection, actions_table
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.signed_links import dashboard_links
from bot.storage.database import Database
from commands.replies import Reply
from scheduler.digest import build_digest
from tests.helpers import say, text_of
from tests.live_server import ServerThread
from tests.slack.conftest import SIGNING_SECRET, slack_settings
from tests.slack.harness import SlackSender
from tests.stand_ins.slack_api import SlackApiStandIn

CAI = "cai.ynyr@example.nhs.wales"  # Head of Primary Care, Cardiff and Vale; reports to its DoPCC


class Surfaces:
    def __init__(self, runtime: Runtime, slack: SlackApiStandIn, server: ServerThread) -> None:
        self.runtime, self.slack, self.server = runtime, slack, server
        self.sender = SlackSender(server.url, SIGNING_SECRET, slack.response_url())

    @property
    def database(self) -> Database:
        return self.runtime.database

    def digest(self) -> Reply:
        with self.database.unit_of_work() as session:
            board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
            clock = self.runtime.clock
            return build_digest(session=session, root=board, today=london_today(clock), now=clock.now())

    def dashboard_share(self, board: str) -> tuple[int, int]:
        """Done and total for `board` on the dashboard's all-Wales page, read from the served HTML."""
        link = dashboard_links(self.runtime.settings).view("wales", self.runtime.clock.now())  # type: ignore[union-attr]
        page = httpx.get(link.replace("http://dashboard.invalid", self.server.url), follow_redirects=True)
        assert page.status_code == 200
        row = re.search(
            rf"{re.escape(board)}</a>?</td>\s*<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>", page.text
        )
        assert row is not None, page.text
        return int(row.group(1)), int(row.group(2))

    def exported_status(self, ref: str) -> str:
        with self.database.unit_of_work() as session:
            wales = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
            esr = ActionSelection(plan_key="esr")
            table = actions_table(session=session, root=wales, today=london_today(self.runtime.clock), selection=esr)
            rows = [dict(zip(table.headings, row, strict=True)) for row in table.rows]
        (row,) = [r for r in rows if r["Ref"] == ref]
        return str(row["Status"])

    def roll_up(self, label: str) -> str:
        with self.database.unit_of_work() as session:
            return text_of(say(session, self.runtime.clock, f"/milestones show {label}", None))


@pytest.fixture
def surfaces(sqlite_db: Database, clock: FixedClock) -> Iterator[Surfaces]:
    slack = SlackApiStandIn().start()
    settings = slack_settings(slack.url, sqlite_db).model_copy(
        update={
            "dashboard_enabled": True,
            "dashboard_secret": "across-surfaces-5d2a8f1c7e4b9036d8a1f5c2e7b4",
            "dashboard_base_url": "http://dashboard.invalid",
        }
    )
    runtime = Runtime(settings=settings, database=sqlite_db, clock=clock)
    server = ServerThread(build_app(runtime)).start()
    yield Surfaces(runtime, slack, server)
    server.stop()
    slack.stop()


def test_a_board_delivery_marked_done_in_slack_moves_every_report(surfaces: Surfaces) -> None:
    digest_before = text_of(surfaces.digest())
    done_before, total = surfaces.dashboard_share("Cardiff and Vale University Health Board")
    assert surfaces.exported_status("1.c@cvuhb") == "Not started"

    surfaces.slack.add_user("UCAI", CAI)
    surfaces.sender.slash("/milestones", 'update esr/1.c@cvuhb done "SOP adopted by the board"', user_id="UCAI")
    (reply,) = surfaces.slack.wait_for("response:default", 1)
    assert "esr/1.c@cvuhb is now Done" in str(reply.params["blocks"])

    assert "1 of 7 boards done · 6 overdue: AB, BCU, CTM, HD, Powys, SB" in surfaces.roll_up("esr/1.c")
    digest_after = text_of(surfaces.digest())
    overdue_before = int(re.search(r"Overdue: (\d+)", digest_before).group(1))  # type: ignore[union-attr]
    assert f"Overdue: {overdue_before - 1}" in digest_after
    change = [ln for ln in digest_after.splitlines() if "esr/1.c@cvuhb" in ln]
    assert len(change) == 1 and "Done" in change[0]  # in the week's status changes, no longer overdue
    assert surfaces.dashboard_share("Cardiff and Vale University Health Board") == (done_before + 1, total)
    assert surfaces.exported_status("1.c@cvuhb") == "Done"
