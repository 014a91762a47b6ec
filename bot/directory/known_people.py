"""Who a Slack or Teams user is, remembered per process until the directory changes: every command and
click starts by finding its person, and that ORM lookup was an eighth of a request's time. A remembered
person is put into the session without a query, with the columns read when it was remembered; any change
to people, organisations, plans or actions moves the data version (bot/storage/versions.py) and forgets them
all, so a remembered person is never staler than the version the request reads."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, make_transient_to_detached

from bot.directory.models import Person
from bot.storage.answer_cache import PEOPLE_KEY, cached
from bot.storage.versions import PLANS, has_unsaved_changes


def known_person(session: Session, platform: str, user_id: str, find: Callable[[], Person | None]) -> Person | None:
    """`find()`'s person for this platform user, from memory when the data has not changed since."""
    if PEOPLE_KEY not in session.info or has_unsaved_changes(session):
        return find()
    remembered = cached(session, PLANS, (platform, user_id), lambda: _detached_copy(find()), store=PEOPLE_KEY)
    return None if remembered is None else session.merge(remembered, load=False)


def _detached_copy(person: Person | None) -> Person | None:
    """A copy of the person's columns belonging to no session, which many sessions may merge at once."""
    if person is None:
        return None
    copy = Person(**{column.key: getattr(person, column.key) for column in Person.__mapper__.column_attrs})
    make_transient_to_detached(copy)
    return copy
