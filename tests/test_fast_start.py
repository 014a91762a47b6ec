"""A process imports what it uses and no more: `say` and a Slack-only server never import the Teams SDK
(about 3 s and 88 MB), the dashboard's renderers, the spreadsheet writer or, once the schema is current,
Alembic. Each case runs in a fresh interpreter and reads its `sys.modules`; bench/startup.py has the times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from bot.config import Settings
from bot.runtime import open_database
from bot.storage.migrate import alembic_config, current_revision, head_revision

REPOSITORY = Path(__file__).resolve().parent.parent
NEVER_AT_START = {"microsoft_teams", "jinja2", "PIL", "openpyxl", "apscheduler"}


def imported_by(code: str, env: dict[str, str]) -> tuple[set[str], str]:
    """The top-level packages a fresh interpreter has imported after running `code`, and what it printed."""
    report = "import json, sys; print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], env=os.environ | env, cwd=REPOSITORY,
                          capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    *printed, modules = done.stdout.strip().splitlines()
    return set(json.loads(modules)), "\n".join(printed)


def test_say_imports_no_platform_sdk_and_no_alembic(seeded_sqlite_template: Path, tmp_path: Path) -> None:
    copy = tmp_path / "milestones.db"
    copy.write_bytes(seeded_sqlite_template.read_bytes())
    modules, printed = imported_by(
        "from bot.cli import main; main(['say', 'help'])", {"DATABASE_URL": f"sqlite:///{copy}"}
    )
    assert "/milestones overdue" in printed
    assert modules & (NEVER_AT_START | {"slack_bolt", "slack_sdk", "alembic", "uvicorn", "starlette"}) == set()


def test_a_slack_only_server_imports_slack_and_nothing_it_does_not_serve(
    seeded_sqlite_template: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "milestones.db"
    copy.write_bytes(seeded_sqlite_template.read_bytes())
    code = f"""
from bot.clock import SystemClock
from bot.config import Settings
from bot.runtime import Runtime, open_database
from bot.server.app import build_app
from tests.stand_ins.slack_api import SlackApiStandIn

slack = SlackApiStandIn().start()
settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret="secret", slack_api_base_url=slack.url,
                    database_url="sqlite:///{copy}")
app = build_app(Runtime(settings, open_database(settings), SystemClock()))
print(sorted(route.path for route in app.routes))
slack.stop()
"""
    modules, printed = imported_by(code, {})
    # /metrics is served by default (METRICS_ENABLED), so prometheus-client is imported; the other SDKs are not.
    assert printed == "['/healthz', '/metrics', '/readyz', '/slack/events']"
    assert "slack_bolt" in modules
    assert modules & (NEVER_AT_START | {"alembic"}) == set()


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_a_database_behind_the_code_is_still_upgraded(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}")
    database = open_database(settings)
    with database.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert inspect(connection).has_table("actions")
    database.engine.dispose()
