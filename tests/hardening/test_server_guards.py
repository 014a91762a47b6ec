"""The server as a whole over real HTTP: /healthz and /readyz (503 while the database refuses connections or
its schema is behind), security headers on every dashboard response, the 1 MB body limit, the dashboard
secret `serve` insists on, and what reaches its log (one line a record, signed addresses without their
signature)."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.clock import FixedClock
from bot.config import Settings
from bot.dashboard.access import DashboardSettingsError, secret_problem
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.server.guards import SECURITY_HEADERS
from bot.server.log_records import SingleLineFormatter
from bot.signed_links import picture_link
from bot.storage.database import Database
from tests.dashboard.live import SECRET, start_dashboard
from tests.hardening.serve_process import SCRIPT, ServeProcess
from tests.live_server import ServerThread, free_port


def _serve(database: Database, clock: FixedClock) -> ServerThread:
    settings = Settings(database_url=database.engine.url.render_as_string(hide_password=False))
    return ServerThread(build_app(Runtime(settings=settings, database=database, clock=clock))).start()


def test_healthz_and_readyz_on_a_database_at_head(seeded_db: Database, clock: FixedClock) -> None:
    server = _serve(seeded_db, clock)
    try:
        assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
        ready = httpx.get(server.url + "/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ok"
    finally:
        server.stop()


def test_readyz_is_503_while_the_schema_is_behind(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    server = _serve(seeded_db, clock)
    try:
        assert httpx.get(server.url + "/healthz").status_code == 200  # alive all the same
        ready = httpx.get(server.url + "/readyz")
        assert ready.status_code == 503 and "schema at 0005" in ready.json()["detail"]
    finally:
        server.stop()


def test_readyz_is_503_when_the_database_refuses_connections(clock: FixedClock) -> None:
    refusing = Database.from_url(f"postgresql+psycopg://nobody:secret-password@127.0.0.1:{free_port()}/none")
    server = _serve(refusing, clock)
    try:
        assert httpx.get(server.url + "/healthz").status_code == 200
        ready = httpx.get(server.url + "/readyz")
        assert ready.status_code == 503 and "database unavailable" in ready.json()["detail"]
        assert "secret-password" not in ready.text
    finally:
        server.stop()


@pytest.mark.parametrize("path", ["/dashboard/org/wales", "/dashboard/tiles.png?org=wales&day=0001-01-01",
                                  "/dashboard/org/nowhere", "/dashboard"])  # fmt: skip
def test_every_dashboard_response_carries_the_security_headers(sqlite_db: Database, clock: FixedClock,
                                                                path: str) -> None:  # fmt: skip
    dashboard = start_dashboard(sqlite_db, clock)
    try:
        with httpx.Client(base_url=dashboard.url) as browser:
            browser.get(dashboard.link("wales"))  # the session cookie
            response = browser.get(path, follow_redirects=False)
        assert response.status_code < 500
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    finally:
        dashboard.stop()


def test_dashboard_bodies_over_a_megabyte_get_413(sqlite_db: Database, clock: FixedClock) -> None:
    dashboard = start_dashboard(sqlite_db, clock)
    try:
        response = httpx.post(dashboard.url + "/dashboard/enter", content=b"x" * 1_000_001)
        assert response.status_code == 413 and response.headers["x-frame-options"] == "DENY"
    finally:
        dashboard.stop()


@pytest.mark.parametrize("secret", ["nhs", "a" * 64, "nhsnhsnhsnhsnhsnhsnhsnhsnhsnhsnhsnhs"])
def test_a_guessable_dashboard_secret_is_refused(sqlite_db: Database, clock: FixedClock, secret: str) -> None:
    settings = Settings(dashboard_enabled=True, dashboard_secret=secret)
    with pytest.raises(DashboardSettingsError, match="milestones-bot secret"):
        build_app(Runtime(settings=settings, database=sqlite_db, clock=clock))


def test_serve_refuses_a_short_secret_and_secret_prints_a_good_one(sqlite_db: Database, tmp_path: Path) -> None:
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    server = ServeProcess(tmp_path, DATABASE_URL=url, DASHBOARD_ENABLED="true", DASHBOARD_SECRET="nhs")
    assert server.process.wait(timeout=30) == 2
    assert "DASHBOARD_SECRET must be at least 32 bytes" in server.stop()
    printed = subprocess.run([str(SCRIPT), "secret"], capture_output=True, text=True, check=True).stdout.strip()
    assert len(printed) >= 43 and secret_problem(printed) is None


def test_serve_logs_signed_addresses_without_their_signature(sqlite_db: Database, clock: FixedClock,
                                                             tmp_path: Path) -> None:  # fmt: skip
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    server = ServeProcess(tmp_path, DATABASE_URL=url, DASHBOARD_ENABLED="true", DASHBOARD_SECRET=SECRET,
                          LOG_LEVEL="INFO").wait_ready()  # fmt: skip
    settings = Settings(dashboard_secret=SECRET, dashboard_base_url=server.url)
    link = picture_link(settings, "cvuhb", now=clock.now().replace(year=2100), days=1)
    signature = re.search(r"sig=([0-9a-f]+)", link).group(1)  # type: ignore[union-attr]
    try:
        assert httpx.get(link).status_code == 200
    finally:
        log = server.stop()
    assert "tiles.png" in log and "sig=[withheld]" in log and signature not in log


def test_a_log_record_is_one_line_whatever_it_carries() -> None:
    formatter = SingleLineFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "typed: %r then %s", ("a\nb", "c\r\nd"),
                                   exc_info=__import__("sys").exc_info())  # fmt: skip
    formatted = formatter.format(record)
    assert "\n" not in formatted and "\r" not in formatted
    assert "c\\r\\nd" in formatted and "Traceback" in formatted
