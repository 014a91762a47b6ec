"""Every script in bench/ runs end to end on a tiny workload. Nothing else in the suite runs them, so a change
elsewhere (a stand-in's signature, a renamed function) would otherwise break a bench unseen until someone
needs its figures. These runs say nothing about the figures themselves, only that each bench starts, measures,
prints its results and, where it checks delivery, lost and duplicated nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, PostgresCluster

REPO = Path(__file__).resolve().parents[2]
# A bench that finds a target missed may exit with 1; a crash is told apart by its traceback.
TARGET_MISSED = 1


def run_bench(module: str, *arguments: str) -> str:
    """Runs `bench/<module>.py` as its README says (a module from the repository root): what it printed."""
    finished = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "Traceback" not in finished.stderr, finished.stderr
    assert finished.returncode in (0, TARGET_MISSED), finished.stderr
    return finished.stdout


@pytest.fixture(scope="module")
def generated_pair(postgres_cluster: PostgresCluster) -> tuple[str, str]:
    """Two small generated PostgreSQL databases, standing in for the 100k and 1M ones of the scale benches."""
    small, large = postgres_cluster.create(), postgres_cluster.create()
    run_bench("generate", "--url", small, "--actions", "300", "--plans", "20")
    run_bench("generate", "--url", large, "--actions", "600", "--plans", "20")
    return small, large


@pytest.mark.postgres
def test_overdue_bench_times_board_and_wales_on_both_databases(postgres_cluster: PostgresCluster) -> None:
    output = run_bench("overdue", "--actions", "300", "--plans", "20", "--runs", "3", "--postgres-url", POSTGRES_URL)
    for database in ("sqlite", "postgresql"):
        assert re.search(rf"^{database} +org:bcuhb +[0-9.]+", output, re.MULTILINE), output
        assert re.search(rf"^{database} +all of Wales +[0-9.]+", output, re.MULTILINE), output
    assert "Welsh / English" in output


@pytest.mark.postgres
def test_scale_queries_bench_reports_growth_and_plans(generated_pair: tuple[str, str]) -> None:
    small, large = generated_pair
    output = run_bench("scale_queries", "--small", small, "--large", large, "--runs", "3", "--rounds", "1")
    assert "growth of p50, mine" in output
    assert "sequential scans of actions" in output


@pytest.mark.postgres
def test_digest_bench_builds_digests_for_each_manager_count(generated_pair: tuple[str, str]) -> None:
    output = run_bench("digests_at_scale", "--url", generated_pair[1], "--managers", "10", "20", "--runs", "1")
    assert "10 managers, run 1:" in output
    assert "20 managers, run 1:" in output


def test_slack_bench_compares_the_server_with_a_noop_bolt_app() -> None:
    output = run_bench("slack_overdue", "--rounds", "3", "--actions", "300")
    assert "overdue uncached delivered p50 / no-op Bolt p50" in output
    assert "ack p99 (all)" in output


def test_startup_bench_times_help_and_serve_against_a_bare_interpreter() -> None:
    output = run_bench("startup", "--runs", "1")
    assert "say help p50" in output
    assert "serve idle RSS" in output


@pytest.mark.postgres
def test_scale_out_bench_delivers_every_checkin_exactly_once(postgres_cluster: PostgresCluster) -> None:
    output = run_bench("scale_out", "--checkins", "40", "--per-reporter", "2", "--processes", "2",
                       "--postgres-url", POSTGRES_URL)  # fmt: skip
    assert "all   40 delivered" in output
    assert "lost 0, duplicated 0" in output


def test_scheduler_bench_delivers_every_checkin_exactly_once() -> None:
    output = run_bench("scheduler_fanout", "--actions", "300")
    assert output.count("lost 0, duplicated 0") == 2
    assert "decided and built" in output


@pytest.mark.postgres
def test_report_pack_bench_builds_the_pdf_and_the_workbook(postgres_cluster: PostgresCluster) -> None:
    output = run_bench("report_pack", "--url", POSTGRES_URL, "--organisations", "20", "--days", "10", "--runs", "1")
    assert "pdf: median" in output
    assert "xlsx: median" in output


@pytest.mark.postgres
def test_dashboard_bench_requests_every_view(postgres_cluster: PostgresCluster) -> None:
    output = run_bench("dashboard_render", "--url", POSTGRES_URL, "--organisations", "20", "--days", "10",
                       "--runs", "2")  # fmt: skip
    for view in ("Wales view", "Board view", "Wales drill-down", "Wales tile picture"):
        assert view in output


@pytest.mark.postgres
def test_rebuild_bench_updates_beside_a_rebuild_and_ends_exact(generated_pair: tuple[str, str]) -> None:
    output = run_bench("rebuild_stall", "--url", generated_pair[0], "--rebuilds", "1")
    assert "a rebuild without updates:" in output
    assert "snapshot answers as counting live: True" in output
