"""Who would read a reply posted in a channel. Only people in the directory may read what the bot answers, so
a `public` answer (or the answer to an @mention) goes to the channel only when everyone in it is in the
directory; otherwise it goes to the asker alone, saying why. Slack Connect partners and guests are the usual
strangers in a channel."""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.directory.service import get_person_by_email, get_person_by_slack_id
from bot.i18n import _, ngettext
from commands.replies import Reply, Section, Text, line

log = logging.getLogger(__name__)


def strangers_in_channel(*, session: Session, client: WebClient, channel: str, bot_user_id: str | None) -> int | None:
    """How many members of the channel are not in the directory (bots aside); None when Slack will not say
    (a direct message, a channel the bot is not in), which counts as not safe to post to."""
    strangers, cursor = 0, None
    while True:
        try:
            page = client.conversations_members(channel=channel, cursor=cursor, limit=200)
        except SlackApiError as problem:
            log.warning("conversations.members failed for %s: %s", channel, problem.response.get("error"))
            return None
        members = [m for m in page.get("members") or [] if m != bot_user_id]
        strangers += sum(1 for member in members if not _in_directory(session, client, member))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return strangers


def _in_directory(session: Session, client: WebClient, user_id: str) -> bool:
    """A known person, or a bot (bots read nothing on anyone's behalf)."""
    if get_person_by_slack_id(session=session, slack_user_id=user_id) is not None:
        return True
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackApiError:
        return False
    if user.get("is_bot") or user.get("id") == "USLACKBOT":
        return True
    email = (user.get("profile") or {}).get("email")
    return bool(email) and get_person_by_email(session=session, email=str(email)) is not None


def kept_private(reply: Reply, strangers: int | None) -> Reply:
    """The reply for the asker alone, with the reason it was not posted to the channel."""
    if strangers:
        why = ngettext(
            "Shown only to you: {n} person in this channel is not in the milestones directory, and only people in "
            "the directory may read these answers.",
            "Shown only to you: {n} people in this channel are not in the milestones directory, and only people in "
            "the directory may read these answers.",
            strangers,
        ).format(n=strangers)
    else:
        why = _("Shown only to you: I could not check who is in this channel, and only people in the directory may "
                "read these answers.")  # fmt: skip
    note = line(Text(why, "muted"))
    return replace(reply, public=False, sections=[*reply.sections, Section(lines=[note])])
