"""A sender process for the kill-and-restart test: `python -m tests.scheduler.sender_process DB_URL API_URL`.
It runs until killed; settings (lease, poll) come from the environment like the real server's."""

from __future__ import annotations

import sys

from bot.clock import SystemClock
from bot.config import Settings
from bot.storage.database import Database
from scheduler.sender import Sender
from tests.scheduler.recording_api import HttpRecordingPort


def main(database_url: str, api_url: str) -> None:
    sender = Sender(
        Database.from_url(database_url), [HttpRecordingPort(api_url)], SystemClock(), Settings(), worker="killable"
    )
    sender.run_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
