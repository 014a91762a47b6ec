"""A live dashboard over the seeded database (SQLite and PostgreSQL) with a few days of reports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import FixedClock
from bot.storage.database import Database
from tests.dashboard.live import LiveDashboard, record_reports, start_dashboard


@pytest.fixture
def live(seeded_db: Database, clock: FixedClock) -> Iterator[LiveDashboard]:
    record_reports(seeded_db, clock)
    dashboard = start_dashboard(seeded_db, clock)
    yield dashboard
    dashboard.stop()
