"""A running dashboard for tests and the benchmark: the real app under uvicorn on a free local port, and
escalation reports recorded through the domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.clock import FixedClock, london_today
from bot.config import Settings
from bot.escalation.models import ServiceReporter
from bot.escalation.service import record_report
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.signed_links import access_link
from bot.storage.database import Database
from tests.live_server import ServerThread, free_port

SECRET = "dashboard-test-secret-9b3e7a1d5c2f8046"


@dataclass
class LiveDashboard:
    settings: Settings
    database: Database
    clock: FixedClock
    server: ServerThread

    @property
    def url(self) -> str:
        return self.server.url

    def link(self, org_code: str, days: int = 7) -> str:
        return access_link(self.settings, org_code, now=self.clock.now(), days=days)

    def stop(self) -> None:
        self.server.stop()


def start_dashboard(database: Database, clock: FixedClock, **overrides: object) -> LiveDashboard:
    port = free_port()
    chosen = {"dashboard_enabled": True, "dashboard_secret": SECRET, "dashboard_base_url": f"http://127.0.0.1:{port}"}
    settings = Settings(database_url=database.engine.url.render_as_string(hide_password=False), **(chosen | overrides))
    app = build_app(Runtime(settings=settings, database=database, clock=clock))
    return LiveDashboard(settings, database, clock, ServerThread(app, port).start())


def level_for(assignment_id: int, days_ago: int) -> int:
    """A repeatable spread of levels 1-4 that changes from day to day."""
    return (assignment_id * 7 + days_ago * 3) % 4 + 1


def record_reports(database: Database, clock: FixedClock, *, days: int = 5, skip_today: int = 2) -> None:
    """Every assigned reporter reports each of the last `days` days, except the last `skip_today` reporters
    (by id) today, so the dashboard has someone who has not reported. Today's reports are made twice: the
    first is superseded, and must not be counted."""
    today = london_today(clock)
    with database.unit_of_work() as session:
        assignments = list(session.scalars(select(ServiceReporter).order_by(ServiceReporter.id)))
        for days_ago in range(days - 1, -1, -1):
            reporting = assignments[:-skip_today] if days_ago == 0 and skip_today else assignments
            for a in reporting:
                day = today - timedelta(days=days_ago)
                if days_ago == 0:
                    record_report(session=session, organisation=a.organisation, service=a.service, level=4,
                                  reporter=a.person, day=day, now=clock.now() - timedelta(hours=1))  # fmt: skip
                record_report(session=session, organisation=a.organisation, service=a.service,
                              level=level_for(a.id, days_ago), reporter=a.person, day=day, now=clock.now())  # fmt: skip
