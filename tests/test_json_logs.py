"""LOG_FORMAT=json: every record is one JSON object on one line, a traceback included."""

from __future__ import annotations

import json
import os
import subprocess
import sys

LOGS_TWO_RECORDS = """
import logging
from bot.config import Settings
from bot.runtime import configure_logging
configure_logging(Settings())
log = logging.getLogger("milestones.test")
log.warning("typed text\\nforged line")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("it failed")
"""


def test_json_logs_are_one_object_a_line() -> None:
    result = subprocess.run([sys.executable, "-c", LOGS_TWO_RECORDS], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})  # fmt: skip
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    warning, failure = (json.loads(line) for line in lines)
    assert warning["message"] == "typed text\nforged line" and warning["level"] == "WARNING"
    assert warning["logger"] == "milestones.test" and warning["time"].endswith("+00:00")
    assert failure["message"] == "it failed" and "ZeroDivisionError" in failure["exception"]


def test_text_logs_stay_the_default() -> None:
    result = subprocess.run([sys.executable, "-c", LOGS_TWO_RECORDS], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "LOG_LEVEL": "INFO"} | {"LOG_FORMAT": "text"})  # fmt: skip
    first = result.stderr.splitlines()[0]
    assert "WARNING milestones.test: typed text\\nforged line" in first
