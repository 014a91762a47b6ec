"""The console script as a newcomer runs it: a real process, a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "LOG_LEVEL": "WARNING"}

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(Path(sys.executable).parent / "milestones-bot"), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return _run


def test_init_demo_twice_then_say(run) -> None:  # type: ignore[no-untyped-def]
    first = run("init", "--demo")
    assert first.returncode == 0, first.stderr
    assert "Plan esr: 17 actions added" in first.stdout
    second = run("init", "--demo")
    assert second.returncode == 0 and "Plan esr: 0 actions added, 0 updated, 17 unchanged." in second.stdout

    overdue = run("say", "overdue plan:esr", "--now", "2021-01-15")
    assert overdue.returncode == 0
    assert "esr/1.a" in overdue.stdout and "107 days overdue" in overdue.stdout

    refusal = run("say", "show esr/99.z")
    assert refusal.returncode == 0 and "There is no action `esr/99.z`" in refusal.stdout

    update = run("say", 'update esr/1.a on_track "agreed at board"', "--now", "2021-01-15T10:00")
    assert update.returncode == 0 and "esr/1.a is now On track" in update.stdout
    shown = run("say", "show esr/1.a")
    assert "agreed at board" in shown.stdout and "Demo Administrator" in shown.stdout


def test_usage_errors_exit_non_zero(run) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo").returncode == 0
    stranger = run("say", "mine", "--as", "nobody@example.org")
    assert stranger.returncode == 2 and "No one with the email nobody@example.org" in stranger.stderr
    bad_now = run("say", "overdue", "--now", "yesterday-ish")
    assert bad_now.returncode == 2 and "not an ISO date" in bad_now.stderr


def test_import_prints_a_summary(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "cluster.csv"
    plan.write_text("Ref,Action,Lead,Timeline\n1,Open the hub,HoPC,End of June 2021\n2,Review,WG,someday\n")
    result = run("import", str(plan), "--plan", "Cluster plan 2021/22", "--key", "cluster")
    assert result.returncode == 0, result.stderr
    assert "Plan cluster: 2 actions added" in result.stdout
    assert "2: could not read the timeline “someday”" in result.stdout
    missing = run("import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "Could not import" in missing.stderr
