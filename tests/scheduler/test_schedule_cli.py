"""`milestones-bot schedule` as an administrator runs it: a real process on a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "LOG_LEVEL": "WARNING"}
    for name in ("SLACK_BOT_TOKEN", "TEAMS_CLIENT_ID"):  # the console port prints when no platform is set
        env.pop(name, None)

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(Path(sys.executable).parent / "milestones-bot"), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert _run("init", "--demo").returncode == 0
    return _run


def _outbox_rows(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        return int(connection.execute("select count(*) from outbox").fetchone()[0])


def test_preview_lists_who_gets_what_when_and_saves_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run("schedule", "preview", "--from", "2021-05-03", "--to", "2021-05-04")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    # Bank holiday Monday: check-ins only for services that run every day; the digest waits for Tuesday.
    assert sum("Mon 03 May 2021 09:00  checkin" in ln for ln in lines) == 8
    assert sum("Tue 04 May 2021 09:00  checkin" in ln for ln in lines) == 28
    assert sum("Tue 04 May 2021 11:00  chaser" in ln for ln in lines) == 28
    assert not any(ln.startswith("Mon 03 May 2021 08:00  digest") for ln in lines)
    assert any(ln.startswith("Tue 04 May 2021 08:00  digest") and "Weekly digest for" in ln for ln in lines)
    assert "Today's escalation level for GP Services (OOHs) at Cardiff and Vale" in shown.stdout
    assert lines[-1].endswith("message(s) would be sent; nothing was sent or saved.")
    assert _outbox_rows(tmp_path) == 0


def test_preview_refuses_a_backwards_period(run) -> None:  # type: ignore[no-untyped-def]
    refused = run("schedule", "preview", "--from", "2021-05-04", "--to", "2021-05-03")
    assert refused.returncode == 2 and "--to must be on or after --from" in refused.stderr
    bad = run("schedule", "preview", "--from", "yesterday", "--to", "2021-05-03")
    assert bad.returncode == 2 and "is not a date like 2021-05-03" in bad.stderr


def test_run_once_catches_up_and_prints_through_the_console(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = run("schedule", "run-once", "--now", "2021-05-05T09:30")
    assert first.returncode == 0, first.stderr
    # The 00:05 overdue snapshot and delivery records and 06:00 occurrences jobs are caught up too; they send
    # nothing.
    ran = ("Ran overdue_snapshot, delivery_records, occurrences, checkin and the level-alert scan at 09:30 on "
           "5 May 2021; handled 28 message(s).")  # fmt: skip
    assert ran in first.stdout
    assert "Which level are you at?" in first.stdout
    again = run("schedule", "run-once", "--now", "2021-05-05T09:35")
    assert "handled 0 message(s)" in again.stdout  # decided again, queued nothing new
    assert _outbox_rows(tmp_path) == 28
