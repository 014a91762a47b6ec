"""`init --demo` as a newcomer runs it: a year of demo escalation reports and some status history, all
marked as demo data, then `serve --now` and `dashboard link --port` reaching a populated dashboard."""

from __future__ import annotations

import http.cookiejar
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.escalation.demo_reports import DEMO_SOURCE, remove_demo_reports, seed_demo_reports
from bot.escalation.models import EscalationReport
from bot.storage.database import Database
from tests.live_server import free_port

SCRIPT = str(Path(sys.executable).parent / "milestones-bot")
SECRET = "demo-test-secret-4f9a1c7e2b8d6053aa"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "LOG_LEVEL": "WARNING",
            "DASHBOARD_ENABLED": "true", "DASHBOARD_SECRET": SECRET, **extra}  # fmt: skip


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRIPT, *args], env=_env(tmp_path, **extra), cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_init_demo_seeds_a_believable_year_marked_as_demo(tmp_path: Path) -> None:
    first = _run(tmp_path, "init", "--demo", "--now", "2021-01-15")
    assert first.returncode == 0, first.stderr
    assert "escalation reports over the year to 2021-01-15" in first.stdout
    db = sqlite3.connect(tmp_path / "demo.db")
    by_source = dict(db.execute("SELECT source, count(*) FROM escalation_reports GROUP BY source"))
    assert set(by_source) == {DEMO_SOURCE} and 6000 < by_source[DEMO_SOURCE] < 9000
    monthly = dict(db.execute("SELECT strftime('%m', day), avg(level) FROM escalation_reports GROUP BY 1"))
    assert monthly["01"] > monthly["07"] + 0.8  # winter pressure
    level_4 = db.execute(
        "SELECT DISTINCT o.code, r.day FROM escalation_reports r JOIN organisations o ON o.id = r.organisation_id "
        "WHERE r.level = 4 ORDER BY r.day"
    ).fetchall()
    assert {code for code, _ in level_4} == {"cvuhb"}
    assert level_4[0][1] == "2021-01-04" and level_4[-1][1] == "2021-01-10"
    weekend_gp = db.execute(
        "SELECT count(*) FROM escalation_reports r JOIN services s ON s.id = r.service_id "
        "WHERE s.key = 'gp_in_hours' AND strftime('%w', r.day) IN ('0', '6')"
    ).fetchone()[0]
    assert weekend_gp == 0
    # a few missed days: fewer reports than (reporting organisation, service, expected day) triples
    oohs = db.execute("SELECT count(*) FROM escalation_reports r JOIN services s ON s.id = r.service_id "
                      "WHERE s.key = 'gp_out_of_hours'").fetchone()[0]  # fmt: skip
    assert 2 * 365 * 0.9 < oohs < 2 * 365
    history = db.execute("SELECT count(*) FROM status_updates WHERE source = 'demo'").fetchone()[0]
    assert history > 0
    rows_before = db.execute("SELECT organisation_id, service_id, day, level FROM escalation_reports").fetchall()
    db.close()

    second = _run(tmp_path, "init", "--demo", "--now", "2021-01-15")
    assert second.returncode == 0, second.stderr
    db = sqlite3.connect(tmp_path / "demo.db")
    assert (
        db.execute("SELECT organisation_id, service_id, day, level FROM escalation_reports").fetchall() == rows_before
    )
    assert db.execute("SELECT count(*) FROM status_updates WHERE source = 'demo'").fetchone()[0] == history


def test_demo_reports_are_seeded_quickly_and_can_be_removed(seeded_db: Database) -> None:
    now = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)
    with seeded_db.unit_of_work() as session:
        started = time.perf_counter()
        written = seed_demo_reports(session=session, today=date(2021, 1, 15), now=now)
        elapsed = time.perf_counter() - started
    assert written > 6000 and elapsed < 5, elapsed  # about 0.3 s on SQLite here; bulk insert
    with seeded_db.unit_of_work() as session:
        assert remove_demo_reports(session=session) == written
        assert session.scalar(select(func.count()).select_from(EscalationReport)) == 0


def test_dashboard_link_follows_the_port_unless_the_base_url_is_set(tmp_path: Path) -> None:
    assert _run(tmp_path, "init", "--demo").returncode == 0
    link = _run(tmp_path, "dashboard", "link", "--org", "wales", "--port", "4123")
    assert link.returncode == 0 and link.stdout.startswith("http://localhost:4123/dashboard/enter?org=wales")
    by_setting = _run(tmp_path, "dashboard", "link", "--org", "wales", PORT="4555")
    assert by_setting.stdout.startswith("http://localhost:4555/")
    public = _run(tmp_path, "dashboard", "link", "--org", "wales", "--port", "4123",
                  DASHBOARD_BASE_URL="https://dash.example.nhs.wales")  # fmt: skip
    assert public.stdout.startswith("https://dash.example.nhs.wales/dashboard/enter?")


def test_serve_now_shows_the_demo_dashboard_as_at_that_day(tmp_path: Path) -> None:
    """What ./scripts/dashboard --now 2021-01-15 runs, after ./scripts/demo --now 2021-01-15."""
    assert _run(tmp_path, "init", "--demo", "--now", "2021-01-15").returncode == 0
    port = str(free_port())
    link = _run(tmp_path, "dashboard", "link", "--org", "wales", "--port", port, "--now", "2021-01-15").stdout.strip()
    serve = [SCRIPT, "serve", "--host", "127.0.0.1", "--port", port, "--now", "2021-01-15"]
    server = subprocess.Popen(serve, env=_env(tmp_path), cwd=tmp_path, stdout=subprocess.DEVNULL)
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = _fetch_when_up(opener, link)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "Friday 15 January 2021" in page
    assert "No reports yet today" not in page and "Level 3" in page


def _fetch_when_up(opener: urllib.request.OpenerDirector, url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with opener.open(url, timeout=10) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
