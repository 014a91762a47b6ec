"""The console script as a newcomer runs it: a real process, a real SQLite file."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

SCRIPT = str(Path(sys.executable).parent / "milestones-bot")


def cli_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "LOG_LEVEL": "WARNING"}


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = cli_env(tmp_path)

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, *args],
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


def test_import_owed_by_gives_each_organisation_its_own_delivery(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo").returncode == 0
    plan = tmp_path / "winter.csv"
    plan.write_text("Ref,Action,Timeline\n1,Agree the winter plan,End of October 2020\n")
    result = run("import", str(plan), "--key", "winter", "--owed-by", "clusters:bcuhb")
    assert result.returncode == 0, result.stderr
    assert "2 deliveries added, one per organisation: 1 (2)" in result.stdout
    shown = run("say", "show winter/1", "--now", "2021-01-15")
    assert "0 of 2 clusters done · 2 overdue: arfon, central-wrexham" in shown.stdout
    assert "winter/1@arfon" in shown.stdout and "winter/1@central-wrexham" in shown.stdout


def test_export_actions_and_escalation_as_files(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo").returncode == 0
    assert run("say", 'update esr/1.a done "published"', "--now", "2021-01-15").returncode == 0
    actions_csv = tmp_path / "esr.csv"
    result = run("export", "actions", "--plan", "esr", "--out", str(actions_csv))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(actions_csv.open(encoding="utf-8-sig")))
    # Every row of the plan: its 17 actions and each organisation's delivery of those owed by several.
    assert len(rows) == 116 and sum("@" not in r["Ref"] for r in rows) == 17
    assert {r["Ref"] for r in rows} >= {"1.c", "1.c@cvuhb", "1.c@pthb"}
    first = next(r for r in rows if r["Ref"] == "1.a")
    assert (first["Status"], first["Delivery"]) == ("Done", "Done")
    workbook_path = tmp_path / "levels.xlsx"
    levels = run("export", "escalation", "--from", "2021-01-01", "--to", "2021-01-31", "--out", str(workbook_path))
    assert levels.returncode == 0, levels.stderr
    sheet = load_workbook(workbook_path).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Date", "Health board", "Cluster"]
    bad = run("export", "escalation", "--from", "someday")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_export_to_a_reader_that_stops_early_ends_quietly(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo").returncode == 0
    # As `milestones-bot export actions | head -0`: the reader is gone before the first row is written.
    export = subprocess.Popen(
        [SCRIPT, "export", "actions"], env=cli_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert export.stdout is not None and export.stderr is not None
    export.stdout.close()
    assert export.wait(timeout=120) == 141
    assert "Traceback" not in export.stderr.read().decode()
