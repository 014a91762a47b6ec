"""The Slack Web API and Teams Bot Connector stand-ins (tests/stand_ins/) enforcing the platforms' published
limits, in a process of their own so their CPU is not the benchmark's. `running()` starts it and yields a
handle; `stats()` and `reset()` go through the Slack stand-in's `bench.*` methods.

    python -m bench.limited_stand_ins      # prints the Slack API URL and the connector URL, runs until stdin closes
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.delivery.pacing import SLACK_LIMITS, TEAMS_LIMITS
from tests.stand_ins.slack_api import SlackApiStandIn
from tests.stand_ins.teams_connector import StandInConnector

REPO = Path(__file__).resolve().parents[1]


class ControlledSlack(SlackApiStandIn):
    """Also answers `bench.stats` (what both stand-ins accepted) and `bench.reset` (fresh counts)."""

    def __init__(self, teams: StandInConnector) -> None:
        super().__init__()
        self.teams = teams
        self.reset()

    def reset(self) -> None:
        self.enforce(SLACK_LIMITS, keep_calls=False)
        self.teams.enforce(TEAMS_LIMITS, keep_calls=False)

    def record(
        self, method: str, params: dict[str, Any], connection: int = 0
    ) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        if method == "bench.reset":
            self.reset()
            return 200, {}, {"ok": True}
        if method == "bench.stats":
            assert self.enforcer is not None and self.teams.state.enforcer is not None
            return 200, {}, {"ok": True, "slack": self.enforcer.stats(), "teams": self.teams.state.enforcer.stats(),
                             "stand_in_cpu": time.process_time()}  # fmt: skip
        return super().record(method, params, connection)


@dataclass(frozen=True)
class StandIns:
    slack_url: str  # SLACK_API_BASE_URL
    teams_url: str  # TEAMS_CONNECTOR_BASE_URL

    def stats(self) -> dict[str, dict[str, Any]]:
        return dict(httpx.post(self.slack_url + "bench.stats", timeout=10).json())

    def reset(self) -> None:
        httpx.post(self.slack_url + "bench.reset", timeout=10).raise_for_status()


def serve() -> None:
    teams = StandInConnector().start()
    slack = ControlledSlack(teams).start()
    print(slack.url, teams.url, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    slack.stop()
    teams.stop()


@contextmanager
def running() -> Iterator[StandIns]:
    process = subprocess.Popen([sys.executable, "-m", "bench.limited_stand_ins"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=REPO)  # fmt: skip
    assert process.stdout is not None and process.stdin is not None
    slack_url, teams_url = process.stdout.readline().split()
    try:
        yield StandIns(slack_url, teams_url)
    finally:
        process.stdin.close()
        process.wait(timeout=10)


if __name__ == "__main__":
    serve()
