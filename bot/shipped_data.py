"""Loads everything shipped in `data/`: the directory, the escalation framework and the seed plans.
Every loader is an upsert, so `init --demo` is safe to run twice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.directory.loader import load_directory
from bot.escalation.loader import load_escalation
from bot.plans.importer import ImportSummary, import_plan
from bot.plans.reading import read_plan_file

REQUIRED_FILES = (
    "directory/organisations.yaml",
    "directory/people.yaml",
    "directory/roles.yaml",
    "directory/reporters.yaml",
    "escalation/services.yaml",
    "escalation/levels.yaml",
)


def data_dir_problem(data_dir: Path) -> str | None:
    """Why `data_dir` cannot be loaded, in one line, or None: a DATA_DIR pointing at the wrong place is a
    setting to fix, not a traceback."""
    if not data_dir.is_dir():
        return f"DATA_DIR {data_dir} is not a folder."
    missing = [name for name in REQUIRED_FILES if not (data_dir / name).is_file()]
    if missing:
        return f"DATA_DIR {data_dir} lacks {', '.join(missing)}."
    return None


def load_shipped_data(*, session: Session, data_dir: Path, now: datetime) -> list[str]:
    """Returns the lines of a summary for the person running it."""
    directory = load_directory(session=session, folder=data_dir / "directory")
    escalation = load_escalation(session=session, data_dir=data_dir)
    summaries: list[ImportSummary] = [
        import_plan(session=session, plan_file=read_plan_file(path, key=None, name=None, overrides={}), now=now)
        for path in sorted((data_dir / "plans").glob("*.yaml"))
    ]
    counts = {**directory, **escalation}
    lines = ["Loaded " + ", ".join(f"{n} {what}" for what, n in counts.items()) + "."]
    for summary in summaries:
        lines.extend(summary.lines())
    return lines
