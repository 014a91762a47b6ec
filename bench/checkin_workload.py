"""The check-in workload of the scale-out bench (bench/scale_out.py) and its test: a database with the shipped
data and `checkins / per_reporter` reporters, each asked about `per_reporter` services and organisations
every day, half of them reachable on Slack (a Slack user id) and half on Teams (a personal chat in one
tenant), alternating. A reporter's rows are written together, as an administrator would add them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, update

from bot.config import SHIPPED_DATA_DIR
from bot.directory.models import Organisation, Person
from bot.escalation.models import Service, ServiceReporter
from bot.shipped_data import load_shipped_data
from bot.storage.database import Database
from bot.storage.delivery import ConversationReference
from bot.storage.migrate import upgrade_to_head
from bot.storage.outbox import OutboxMessage
from bot.teams.references import PERSONAL, Origin

LOADED_AT = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)
TENANT = "tenant-nhs-wales"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"


@dataclass(frozen=True)
class Workload:
    slack: int  # check-ins to Slack reporters
    teams: int

    @property
    def checkins(self) -> int:
        return self.slack + self.teams


def prepare(url: str, *, checkins: int, per_reporter: int) -> Workload:
    """Migrates and loads the database at `url`, then adds the reporters."""
    upgrade_to_head(url)
    database = Database.from_url(url)
    with database.unit_of_work() as session:
        load_shipped_data(session=session, data_dir=SHIPPED_DATA_DIR, now=LOADED_AT)
    try:
        return add_reporters(database, checkins=checkins, per_reporter=per_reporter)
    finally:
        database.engine.dispose()


def add_reporters(database: Database, *, checkins: int, per_reporter: int) -> Workload:
    reporters = checkins // per_reporter
    with database.engine.begin() as connection:
        connection.execute(delete(ServiceReporter))  # only the bench's reporters, every one reachable
        # Every service asked every day, so the bench runs the same at weekends and on bank holidays.
        connection.execute(update(Service).values(runs_every_day=True))
        services = connection.execute(select(Service.id).order_by(Service.id)).scalars().all()
        organisations = connection.execute(select(Organisation.id).order_by(Organisation.id)).scalars().all()
        pairs = [(org, service) for org in organisations for service in services]
        assert len(pairs) >= per_reporter, "not enough services and organisations for distinct check-ins"
        people = [_person(n, organisations[n % len(organisations)]) for n in range(reporters)]
        ids = connection.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), people).scalars()
        person_ids = list(ids)
        connection.execute(insert(ConversationReference), [_teams_chat(n, pid) for n, pid in enumerate(person_ids)
                                                           if n % 2])  # fmt: skip
        rows = [
            {"person_id": pid, "organisation_id": org, "service_id": service}
            for n, pid in enumerate(person_ids)
            for org, service in (pairs[(n * per_reporter + k) % len(pairs)] for k in range(per_reporter))
        ]
        connection.execute(insert(ServiceReporter), rows)
    teams = sum(per_reporter for n in range(reporters) if n % 2)
    return Workload(slack=reporters * per_reporter - teams, teams=teams)


def _person(n: int, organisation_id: int) -> dict[str, object]:
    slack_user = f"UREP{n:06d}" if n % 2 == 0 else None
    return {"email": f"reporter{n}@bench.nhs.wales", "name": f"Reporter {n}", "titles": [],
            "organisation_id": organisation_id, "is_admin": False, "slack_user_id": slack_user}  # fmt: skip


def _teams_chat(n: int, person_id: int) -> dict[str, object]:
    chat = f"a:personal-{n}"
    origin = Origin(chat, PERSONAL, SERVICE_URL, TENANT, f"29:user-{n}", f"aad-{n}", f"reporter{n}@bench.nhs.wales")
    return {"platform": "teams", "address": chat, "person_id": person_id, "reference": asdict(origin),
            "updated_at": LOADED_AT}  # fmt: skip


def clear_outbox(url: str) -> None:
    """Forgets today's check-ins, so the next run decides and sends them again."""
    database = Database.from_url(url)
    with database.unit_of_work() as session:
        session.execute(delete(OutboxMessage))
    database.engine.dispose()


def outbox_counts(database: Database) -> dict[str, int]:
    """Outbox rows by status."""
    with database.unit_of_work() as session:
        rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {status: count for status, count in rows}
