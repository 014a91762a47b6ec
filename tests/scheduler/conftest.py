"""Fixtures for the scheduler tests: a simulation over a seeded database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from bot.storage.database import Database
from tests.scheduler.simulation import Simulation


@pytest.fixture
def sim(seeded_db: Database) -> Simulation:
    return Simulation(seeded_db)


@pytest.fixture
def sqlite_sim(sqlite_db: Database) -> Simulation:
    return Simulation(sqlite_db)
