"""Shared fixtures. Storage tests run against real databases: a SQLite file per test, and a PostgreSQL
database per test cloned from a template. PostgreSQL comes from TEST_POSTGRES_URL (default: the local
server at 127.0.0.1:5432); without a server the PostgreSQL cases skip with a reason, except under CI=true
where a missing server is a failure."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.config import SHIPPED_DATA_DIR
from bot.shipped_data import load_shipped_data
from bot.storage.database import Database
from bot.storage.migrate import upgrade_to_head

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SEEDED_AT = datetime(2020, 9, 1, 9, 0, tzinfo=UTC)


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as problem:  # any driver or network failure means "no server"
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(problem).__name__}"
    return None


class PostgresCluster:
    """Creates throwaway databases on the test server, each a copy of a seeded template."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = f"milestones_test_{uuid.uuid4().hex[:12]}"
        suffix = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in reversed(self.created):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    problem = _postgres_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem}; CI must run the PostgreSQL tests")
        pytest.skip(problem)
    cluster = PostgresCluster(POSTGRES_URL)
    yield cluster
    cluster.drop_all()


def seed(url: str) -> None:
    upgrade_to_head(url)
    database = Database.from_url(url)
    with database.unit_of_work() as session:
        load_shipped_data(session=session, data_dir=SHIPPED_DATA_DIR, now=SEEDED_AT)
    database.engine.dispose()


@pytest.fixture(scope="session")
def seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def seeded_postgres_template(postgres_cluster: PostgresCluster) -> str:
    url = postgres_cluster.create()
    seed(url)
    return make_url(url).database or ""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL, migrated and loaded with the shipped data, private to this test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("seeded_sqlite_template")
        copy = tmp_path / "milestones.db"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}"
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.create(template=request.getfixturevalue("seeded_postgres_template"))


@pytest.fixture
def seeded_db(seeded_url: str) -> Iterator[Database]:
    database = Database.from_url(seeded_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def sqlite_db(seeded_sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """SQLite only: for tests about a surface, not about storage."""
    copy = tmp_path / "milestones.db"
    shutil.copyfile(seeded_sqlite_template, copy)
    database = Database.from_url(f"sqlite:///{copy}")
    yield database
    database.engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    """Mid-January 2021: the seed plans have overdue, due-soon and ongoing actions then."""
    return FixedClock(datetime(2021, 1, 15, 10, 0, tzinfo=UTC))
