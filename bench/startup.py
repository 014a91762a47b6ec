"""How fast does the bot start, and how much memory does an idle server hold? Measured against a bare
interpreter start (`python -c pass`) in the same run, as ratios and absolute figures, runs interleaved so a
busy machine slows every column alike.

- `milestones-bot say help`: wall time from launch to exit (target: under 1 s);
- `milestones-bot serve` with Slack only (token and signing secret; the Web API is the local stand-in, since
  building the Slack app checks its token): wall time from launch to the first `/healthz` answered (target:
  under 1.5 s), then its RSS after idling (target: under 100 MB), against an idle bare interpreter's RSS.

Every command runs in a fresh process from a temporary folder (no `.env` is read) against a SQLite file made
once with `init --demo`.

    .venv/bin/python -m bench.startup              # from the repository root; 7 runs of each
    .venv/bin/python -m bench.startup --runs 15
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.live_server import free_port
from tests.stand_ins.slack_api import SlackApiStandIn

SCRIPT = str(Path(sys.executable).with_name("milestones-bot"))
IDLE_SECONDS = 2.0
# PYTHONPATH passes on so that another checkout can be measured with this venv (PYTHONPATH=that checkout).
PASSED_ON = ("PATH", "HOME", "LANG", "TMPDIR", "PYTHONPATH")
TARGETS = {"say help": 1.0, "serve ready": 1.5}
IDLE_RSS_TARGET_MB = 100.0


@dataclass
class Column:
    seconds: list[float] = field(default_factory=list)
    megabytes: list[float] = field(default_factory=list)  # idle RSS, where measured


def timed_exit(command: list[str], env: dict[str, str], folder: str) -> tuple[float, None]:
    """Seconds from launch to exit of one command, which must succeed. (Its peak RSS is not told: a child's
    ru_maxrss counts the measuring process it was forked from.)"""
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=folder, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started, None


def bare_idle_megabytes(env: dict[str, str], folder: str) -> float:
    """RSS of an interpreter that has started and waits, the reference for the server's idle RSS."""
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], env=env, cwd=folder,
                               stdin=subprocess.PIPE)  # fmt: skip
    try:
        time.sleep(0.5)
        return resident_megabytes(process.pid)
    finally:
        process.communicate(b"")


def answers_healthz(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


def resident_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def serve_until_ready(env: dict[str, str], folder: str) -> tuple[float, float | None]:
    """(seconds from launch to the first /healthz answered, RSS in MB after idling)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([SCRIPT, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while not answers_healthz(f"http://127.0.0.1:{port}/healthz"):
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}")
            time.sleep(0.005)
        ready = time.perf_counter() - started
        time.sleep(IDLE_SECONDS)
        return ready, resident_megabytes(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_environment(folder: str, slack_url: str) -> dict[str, str]:
    kept = {name: value for name, value in os.environ.items() if name in PASSED_ON}
    return kept | {
        "DATABASE_URL": f"sqlite:///{Path(folder) / 'startup.db'}",
        "LOG_LEVEL": "WARNING",
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_BASE_URL": slack_url,
    }


def run(runs: int) -> dict[str, Column]:
    columns = {"python -c pass": Column(), "say help": Column(), "serve ready": Column()}
    with tempfile.TemporaryDirectory() as folder:
        slack = SlackApiStandIn().start()
        try:
            env = bench_environment(folder, slack.url)
            timed_exit([SCRIPT, "init", "--demo", "--now", "2021-01-15"], env, folder)
            measures: dict[str, Callable[[], tuple[float, float | None]]] = {
                "python -c pass": lambda: timed_exit([sys.executable, "-c", "pass"], env, folder),
                "say help": lambda: timed_exit([SCRIPT, "say", "help"], env, folder),
                "serve ready": lambda: serve_until_ready(env, folder),
            }
            for _ in range(runs):
                for name, measure in measures.items():
                    seconds, megabytes = measure()
                    columns[name].seconds.append(seconds)
                    if megabytes is not None:
                        columns[name].megabytes.append(megabytes)
                columns["python -c pass"].megabytes.append(bare_idle_megabytes(env, folder))
        finally:
            slack.stop()
    return columns


def report(columns: dict[str, Column]) -> None:
    bare = columns["python -c pass"]
    bare_seconds, bare_mb = statistics.median(bare.seconds), statistics.median(bare.megabytes)
    for name, column in columns.items():
        seconds = statistics.median(column.seconds)
        memory = ""
        if column.megabytes:
            megabytes = statistics.median(column.megabytes)
            memory = f"   idle RSS {megabytes:6.1f} MB ({megabytes / bare_mb:4.1f}x bare)"
        print(f"{name:15} n={len(column.seconds)}  p50 {seconds * 1000:7.0f} ms "
              f"(min {min(column.seconds) * 1000:5.0f}, max {max(column.seconds) * 1000:5.0f})  "
              f"{seconds / bare_seconds:5.1f}x bare{memory}")  # fmt: skip
    for name, target in TARGETS.items():
        seconds = statistics.median(columns[name].seconds)
        print(f"{name} p50 {seconds:.2f} s (target < {target} s): {'PASS' if seconds < target else 'FAIL'}")
    idle = statistics.median(columns["serve ready"].megabytes)
    print(f"serve idle RSS {idle:.1f} MB (target < {IDLE_RSS_TARGET_MB:.0f} MB): "
          f"{'PASS' if idle < IDLE_RSS_TARGET_MB else 'FAIL'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    report(run(parser.parse_args().runs))


if __name__ == "__main__":
    main()
