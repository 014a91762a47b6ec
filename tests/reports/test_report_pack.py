"""The programme board report pack: its PDF read back (pypdf) against the database, its pages rendered
(pdftoppm) into artifacts/ for a reviewer, the workbook, Welsh, and the one-line refusals."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation
from bot.escalation.service import record_report
from bot.i18n import speaking
from bot.plans.models import Action, Plan
from bot.plans.service import record_status
from bot.reports.build import PackRequest, read_pack, render_pack
from bot.reports.pack import ReportPack
from bot.reports.pdf import MAX_ROWS
from bot.storage.database import Database
from tests.helpers import person, reporter_of

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PLAN = "pcmw-2020-21"
TODAY = date(2021, 1, 15)
AS_AT = date(2020, 12, 31)  # the end of 2020-Q4, before TODAY
IN_PERIOD = datetime(2020, 11, 10, 11, 0, tzinfo=UTC)


def _activity(session: Session) -> list[Action]:
    """Status changes and escalation reports within 2020-Q4, as people would record them."""
    actions = list(
        session.scalars(
            select(Action).join(Plan).where(Plan.key == PLAN, Action.is_rollup.is_(False)).order_by(Action.id)
        )
    )[:3]
    admin = person(session, "admin@example.nhs.wales")
    record_status(session=session, action=actions[0], status="at_risk", actor=admin, now=IN_PERIOD,
                  note="Waiting for the practice returns")  # fmt: skip
    record_status(session=session, action=actions[1], status="done", actor=admin, now=IN_PERIOD)
    for level, day in ((3, date(2020, 11, 2)), (4, date(2020, 11, 3)), (1, date(2020, 11, 4))):
        reporter = reporter_of(session, "gp_in_hours")
        record_report(session=session, organisation=reporter.organisation, service=reporter.service, level=level,
                      reporter=reporter.person, day=day, now=IN_PERIOD)  # fmt: skip
    return actions


def _pack(session: Session, period: str = "2020-Q4", org: str | None = None) -> ReportPack:
    pack = read_pack(session=session, request=PackRequest(PLAN, period, org, "pdf"), today=TODAY)
    assert isinstance(pack, ReportPack), pack
    return pack


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _overdue_in_database(session: Session, root: Organisation) -> list[Action]:
    """Counted here the long way, in Python over every action, not with the pack's queries."""
    actions = session.scalars(select(Action).join(Plan).where(Plan.key == PLAN))
    return sorted(
        (a for a in actions if not a.is_rollup and a.is_open and not a.open_ended and a.due_end
         and a.due_end <= AS_AT and (a.organisation is None or a.organisation.path.startswith(root.path))
         and (a.organisation is not None or root.parent_id is None)),
        key=lambda a: (a.due_end, a.ref),
    )  # fmt: skip


def test_the_pdf_states_the_figures_in_the_database(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        changed = _activity(session)
    with seeded_db.unit_of_work() as session:
        wales = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
        text = _text(render_pack(_pack(session), "pdf"))
        overdue = _overdue_in_database(session, wales)
        powys = [a for a in overdue if a.organisation and a.organisation.path.startswith("/wales/pthb/")]
        powys_all = [a for a in session.scalars(select(Action).join(Plan).where(Plan.key == PLAN))
                     if not a.is_rollup and a.status != "dropped" and a.organisation
                     and a.organisation.path.startswith("/wales/pthb/")]  # fmt: skip
        assert len(overdue) > MAX_ROWS
        # Delivery: Powys's row, its overdue and its total, as the database has them.
        not_started = sum(a.status == "not_started" and a not in powys for a in powys_all)
        assert f"Powys Teaching Health Board 0 0 {not_started} 0 0 {len(powys)} {len(powys_all)}" in text
        # The overdue list: the oldest first, each with its age in days, then how many more the workbook has.
        first = overdue[0]
        assert f"{first.ref} " in text and f"{(AS_AT - first.due_end).days}" in text  # type: ignore[operator]
        assert f"…and {len(overdue) - MAX_ROWS} more" in text
        # What changed, and the note of the action now at risk.
        assert text.count("10 Nov 2020") >= 2 and "Waiting for the practice returns" in text
        assert changed[0].ref in text and changed[1].ref in text
        occurrences = [a for a in overdue if "#" in a.ref and a.due_end and a.due_end >= date(2020, 10, 1)]
        assert f"{len(occurrences)} missing" in text
        assert "Escalation levels this period" in text and "Position at the end of 31 Dec 2020" in text


def test_the_pages_as_a_board_sees_them(sqlite_db: Database, tmp_path: Path) -> None:
    """Renders each page to artifacts/report-pack-page-N.png (and the Welsh first page) for a reviewer."""
    if not shutil.which("pdftoppm"):
        message = "pdftoppm is not installed (apt-get install poppler-utils)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sqlite_db.unit_of_work() as session:
        _activity(session)
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("report-pack-*.png"):
        old.unlink()
    with sqlite_db.unit_of_work() as session:
        for language, stem in (("en", "report-pack-page"), ("cy", "report-pack-cy-page")):
            with speaking(language):
                (tmp_path / f"{stem}.pdf").write_bytes(render_pack(_pack(session), "pdf"))
            pages = ["-f", "1", "-l", "1"] if language == "cy" else []
            subprocess.run(["pdftoppm", "-r", "70", "-png", *pages, str(tmp_path / f"{stem}.pdf"),
                            str(ARTIFACTS / stem)], check=True, timeout=120)  # fmt: skip
    assert len(list(ARTIFACTS.glob("report-pack-page-*.png"))) >= 3
    assert list(ARTIFACTS.glob("report-pack-cy-page-*.png"))


def test_the_pack_speaks_welsh(sqlite_db: Database) -> None:
    with sqlite_db.unit_of_work() as session, speaking("cy"):
        text = _text(render_pack(_pack(session, "2020-12", org="pthb"), "pdf"))
    assert "Cyflawniad fesul sefydliad" in text and "Gweithredoedd hwyr" in text
    assert "tudalen 1" in text and "Rhag 2020" in text


def test_the_workbook_lists_every_overdue_action(sqlite_db: Database) -> None:
    from openpyxl import load_workbook

    with sqlite_db.unit_of_work() as session:
        _activity(session)
    with sqlite_db.unit_of_work() as session:
        wales = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
        book = load_workbook(io.BytesIO(render_pack(_pack(session), "xlsx")))
        overdue = _overdue_in_database(session, wales)
    sheet = book["Overdue"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [a.ref for a in overdue]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    levels = {row[3] for row in book["Escalation"].iter_rows(min_row=2, values_only=True)}
    assert levels == {1, 3, 4}


@pytest.mark.parametrize(
    ("period", "plan", "org", "expected"),
    [
        ("2021-13", PLAN, None, "`2021-13` is not a period"),
        ("Q3", PLAN, None, "`Q3` is not a period"),
        ("2021-Q3", "nope", None, "There is no plan `nope`."),
        ("2021-Q3", PLAN, "nowhere", "There is no organisation `nowhere`."),
    ],
)
def test_bad_requests_get_one_clear_line(sqlite_db: Database, period: str, plan: str, org: str | None,
                                         expected: str) -> None:  # fmt: skip
    with sqlite_db.unit_of_work() as session:
        answer = read_pack(session=session, request=PackRequest(plan, period, org, "pdf"), today=TODAY)
    assert isinstance(answer, str) and answer.startswith(expected) and "\n" not in answer


def test_the_command_writes_the_pack_and_refuses_unknown_formats(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "LOG_LEVEL": "WARNING"}
    script = str(Path(os.sys.executable).parent / "milestones-bot")  # type: ignore[attr-defined]

    def run(*args: str, lang: str = "en_GB.UTF-8") -> subprocess.CompletedProcess[str]:
        return subprocess.run([script, *args], env={**env, "LANG": lang, "LC_ALL": ""}, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    assert run("init", "--demo").returncode == 0
    written = run("report", "--plan", PLAN, "--period", "2020-10", "--out", "pack.pdf", "--now", "2021-01-15")
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    refused = run("report", "--plan", PLAN, "--period", "2020-10", "--out", "pack.docx")
    assert (
        refused.returncode == 2
        and refused.stderr.strip() == "A report pack is a .pdf or an .xlsx file, not `pack.docx`."
    )
    welsh = run("report", "--plan", PLAN, "--period", "2020-Q5", "--out", "pack.pdf", lang="cy_GB.UTF-8")
    assert welsh.returncode == 2 and re.match(r"^Nid yw `2020-Q5` yn gyfnod", welsh.stderr.strip())


def test_a_pack_built_after_its_period_shows_the_statuses_as_they_stood(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        at_risk, done, *_ = _activity(session)
    with seeded_db.unit_of_work() as session:
        before, powys_before = _pack(session), _pack(session, org="pthb")
        admin = person(session, "admin@example.nhs.wales")
        january = datetime(2021, 1, 5, 10, 0, tzinfo=UTC)  # after 2020-Q4, before TODAY
        for action, status in ((at_risk, "done"), (done, "on_track")):
            record_status(session=session, action=session.merge(action), status=status, actor=admin, now=january)
    with seeded_db.unit_of_work() as session:
        after, powys_after = _pack(session), _pack(session, org="pthb")
        later = read_pack(session=session, request=PackRequest(PLAN, "2021-Q1", None, "pdf"), today=TODAY)
    assert after.delivery == before.delivery
    assert powys_after.delivery == powys_before.delivery  # another board's updates change nothing here
    assert after.overdue == before.overdue and after.at_risk == before.at_risk
    assert [line.label for line in after.at_risk] == [at_risk.ref] and after.at_risk[0].status == "at_risk"
    # The running quarter shows today's statuses: the action at risk in December is done now.
    assert isinstance(later, ReportPack) and later.at_risk == []
