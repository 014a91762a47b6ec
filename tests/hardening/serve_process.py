"""`milestones-bot serve` as a real subprocess (as deployed), on a free port, with settings from its
environment; for tests that kill it or read its log."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.live_server import free_port

SCRIPT = Path(sys.executable).parent / "milestones-bot"


class ServeProcess:
    def __init__(self, workdir: Path, **settings: str) -> None:
        self.port = free_port()
        self.log = workdir / f"serve-{self.port}.log"
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), **settings}
        # The working directory is the test's own, so no .env of the developer's is read.
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([str(SCRIPT), "serve"], cwd=workdir, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, seconds: float = 30) -> ServeProcess:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError("serve did not start")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        return self.log.read_text()
