"""Who is clicking: a Slack user id matched to a person in the directory by work email.

The match is stored on the person (`slack_user_id`), so Slack is asked only the first time, and remembered
per process until the directory changes (bot/directory/known_people.py)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.directory.known_people import known_person
from bot.directory.models import Person
from bot.directory.service import get_person_by_email, get_person_by_slack_id

log = logging.getLogger(__name__)


def slack_email(client: WebClient, user_id: str) -> str | None:
    """The user's profile email (needs the users:read.email scope), or None when Slack has none."""
    try:
        response = client.users_info(user=user_id)
    except SlackApiError as problem:
        log.warning("users.info failed for %s: %s", user_id, problem.response.get("error"))
        return None
    email = (response.get("user") or {}).get("profile", {}).get("email")
    return str(email) if email else None


def resolve_person(*, session: Session, client: WebClient, user_id: str) -> Person | None:
    person = known_person(
        session, "slack", user_id, lambda: get_person_by_slack_id(session=session, slack_user_id=user_id)
    )
    if person is not None:
        return person
    email = slack_email(client, user_id)
    person = get_person_by_email(session=session, email=email) if email else None
    if person is not None:
        person.slack_user_id = user_id
    return person
