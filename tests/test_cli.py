"""The console script as a newcomer runs it: a real process, a real SQLite file."""

from __future__ import annotations

import csv
import os
import re
import shlex
import sqlite3
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


def actions_in_table(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        count: int = connection.execute("select count(*) from actions").fetchone()[0]
    return count


def test_export_lists_every_row_of_the_actions_table(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo").returncode == 0
    # Leads no role matches and no organisation: these actions have neither owner nor organisation.
    plan = tmp_path / "orphans.csv"
    plan.write_text("Ref,Action,Lead,Timeline\n1,Form a committee,A group to be named,June 2020\n2,Report,TBC,TBC\n")
    assert run("import", str(plan), "--plan", "Orphan plan", "--key", "orphans").returncode == 0
    out = tmp_path / "all.csv"
    assert run("export", "actions", "--out", str(out)).returncode == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == actions_in_table(tmp_path) > 77  # every row: actions, deliveries, occurrences
    orphans = [r for r in rows if r["Plan"] == "orphans"]
    assert [(r["Owner"], r["Owner email"], r["Organisation"]) for r in orphans] == [
        ("no owner yet", "", "no organisation yet")
    ] * 2
    overdue = tmp_path / "overdue.csv"
    exported = run("export", "actions", "--only", "overdue", "--now", "2021-01-15", "--out", str(overdue))
    assert exported.returncode == 0, exported.stderr
    overdue_rows = list(csv.DictReader(overdue.open(encoding="utf-8")))
    in_parts = [r for r in rows if r["Delivery"] == "In parts"]  # a roll-up is never overdue itself
    assert in_parts and not {(r["Plan"], r["Ref"]) for r in in_parts} & {(r["Plan"], r["Ref"]) for r in overdue_rows}
    shown = run("say", "overdue", "--now", "2021-01-15").stdout
    footer = re.findall(r"overdue actions \(([\d,]+) deliveries and occurrences\) in", " ".join(shown.split()))[-1]
    deliveries = int(footer.replace(",", ""))
    assert {r["Delivery"] for r in overdue_rows} == {"Overdue"} and len(overdue_rows) == deliveries
    unowned = tmp_path / "unowned.csv"
    assert run("export", "actions", "--only", "unowned", "--out", str(unowned)).returncode == 0
    unowned_rows = list(csv.DictReader(unowned.open(encoding="utf-8")))
    assert [r["Ref"] for r in unowned_rows if r["Plan"] == "orphans"] == ["1", "2"]
    assert {r["Owner"] for r in unowned_rows} == {"no owner yet"}


def test_the_console_offers_the_whole_list_as_a_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo").returncode == 0
    reply = run("say", "overdue plan:esr", "--now", "2021-01-15")
    assert "… 2 more: `/milestones overdue plan:esr page:2`" in reply.stdout
    offered = reply.stdout.split("The whole list as one file: ", 1)[1].split("\n\n", 1)[0]
    command = shlex.split(" ".join(offered.split()))
    assert command[:3] == ["milestones-bot", "export", "actions"]
    assert run(*command[1:]).returncode == 0
    rows = list(csv.DictReader((tmp_path / "overdue.csv").open(encoding="utf-8")))
    assert sorted(r["Ref"] for r in rows) == ESR_OVERDUE


BOARDS = ("abuhb", "bcuhb", "ctmuhb", "cvuhb", "hduhb", "pthb", "sbuhb")
# ESR's overdue rows on 15 January 2021: 1.a (Welsh Government's) and every board's delivery of six others.
ESR_OVERDUE = sorted(["1.a", *(f"{r}@{b}" for r in ("1.c", "1.d", "10.b", "10.c", "10.d", "10.e") for b in BOARDS)])


def test_import_into_an_organisation_as_at_a_given_time(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo", "--now", "2020-09-01").returncode == 0
    shipped = run("say", "show esr/1.c")
    assert "1 Sep 2020 09:00 @Dafydd Rhosier by the role directory at import" in shipped.stdout
    plan = tmp_path / "cluster.csv"
    plan.write_text(
        "Ref,Action,Lead,Timeline\n1,Open the hub,HoPC,June 2020\n2,Hire a pharmacist,Cluster lead,June 2020\n"
    )
    unknown = run("import", str(plan), "--key", "cluster", "--org", "cvuhbb")
    assert unknown.returncode == 2 and "no organisation `cvuhbb`. Did you mean cvuhb or" in unknown.stderr
    imported = run("import", str(plan), "--key", "cluster", "--org", "CVUHB", "--now", "2020-10-02T14:30")
    assert imported.returncode == 0, imported.stderr
    assert "2 Oct 2020 14:30 @Dafydd Rhosier by the role directory at import" in run("say", "show cluster/1").stdout
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        plan_org, action_org = connection.execute(
            "select po.code, ao.code from plans p join organisations po on po.id = p.organisation_id "
            "join actions a on a.plan_id = p.id join organisations ao on ao.id = a.organisation_id "
            "where p.key = 'cluster' and a.ref = '2'"
        ).fetchone()
    assert (plan_org, action_org) == ("cvuhb", "cvuhb")  # nobody owns 2: it sits with the plan's organisation
    assert "cluster/2" in run("say", "overdue org:cvuhb", "--now", "2021-01-15").stdout
