"""Who is speaking: a directory person found by Entra (AAD) object id, or by email the first time, after
which the object id is kept on the person (Person.teams_id) so later turns need no lookup."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.delivery.port import DeliveryFailed
from bot.directory.known_people import known_person
from bot.directory.models import Person
from bot.directory.service import get_person_by_email, get_person_by_teams_id
from bot.storage.database import Database
from bot.teams.connector import TeamsConnector
from bot.teams.references import Origin

log = logging.getLogger(__name__)


async def with_email(origin: Origin, *, database: Database, connector: TeamsConnector) -> Origin:
    """Activities carry ids, not emails; ask the connector for the member's email only when the id is new."""
    if origin.email or (origin.aad_object_id and _known_id(database, origin.aad_object_id)):
        return origin
    try:
        email = await connector.member_email(service_url=origin.service_url, conversation_id=origin.conversation_id,
                                             user_id=origin.user_id)  # fmt: skip
    except DeliveryFailed as problem:
        log.warning("could not look up the Teams member's email: %s", problem.reason)
        return origin
    return Origin(origin.conversation_id, origin.conversation_type, origin.service_url, origin.tenant_id,
                  origin.user_id, origin.aad_object_id, email)  # fmt: skip


def _known_id(database: Database, aad_object_id: str) -> bool:
    with database.unit_of_work() as session:
        return _by_teams_id(session, aad_object_id) is not None


def _by_teams_id(session: Session, aad_object_id: str) -> Person | None:
    return known_person(
        session, "teams", aad_object_id, lambda: get_person_by_teams_id(session=session, teams_id=aad_object_id)
    )


def find_person(*, session: Session, origin: Origin) -> Person | None:
    if origin.aad_object_id:
        person = _by_teams_id(session, origin.aad_object_id)
        if person is not None:
            return person
    if not origin.email:
        return None
    person = get_person_by_email(session=session, email=origin.email)
    if person is not None and origin.aad_object_id and person.teams_id is None:
        person.teams_id = origin.aad_object_id
    return person
