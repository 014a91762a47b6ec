"""Installs and commands over real HTTP: activities posted to /api/messages, cards read from the stand-in."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.i18n import speaking
from bot.plans.models import StatusUpdate
from bot.storage.delivery import ConversationReference
from tests.helpers import ADMIN, action, reporter_of, say
from tests.teams.activities import TeamsUser, block_text, bot_added, installation_added, message
from tests.teams.conftest import CHANNEL, TeamsBotUnderTest, personal_chat


def test_install_in_personal_chat_stores_reference_and_links_the_person(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    chat = personal_chat(user)
    assert teams_bot.post(bot_added(user, chat, teams_bot.service_url)).status_code == 200
    assert teams_bot.post(installation_added(user, chat, teams_bot.service_url)).status_code == 200
    with teams_bot.database.unit_of_work() as session:
        reference = session.scalars(select(ConversationReference)).one()
        admin = teams_bot.person(ADMIN)
        assert (reference.platform, reference.address, reference.person_id) == ("teams", chat.conversation_id, admin.id)
        assert reference.reference["service_url"] == teams_bot.service_url
    assert admin.teams_id == user.aad_object_id
    welcomes = teams_bot.connector.sent()
    assert len(welcomes) == 1 and welcomes[0].conversation == chat.conversation_id
    assert admin.name in block_text(welcomes[0].card["body"][0])


def test_commands_in_personal_chat_answer_with_the_domain_reply(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    chat = personal_chat(user)
    for text in ("overdue", "/milestones mine", "due 14d"):
        assert teams_bot.post(message(user, chat, text, teams_bot.service_url)).status_code == 200
    cards = [call.card for call in teams_bot.connector.sent()]
    with teams_bot.database.unit_of_work() as session:
        admin = teams_bot.person(ADMIN)
        expected = [say(session, teams_bot.runtime.clock, text, admin).title for text in ("overdue", "mine", "due 14d")]
    assert [block_text(card["body"][0]) for card in cards] == expected


def test_update_from_teams_is_recorded_with_teams_as_source(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    reply = teams_bot.post(
        message(user, personal_chat(user), 'update esr/1.a done "signed off"', teams_bot.service_url)
    )
    assert reply.status_code == 200
    with teams_bot.database.unit_of_work() as session:
        target = action(session, "esr/1.a")
        update = session.scalars(select(StatusUpdate).where(StatusUpdate.action_id == target.id)).one()
        assert (target.status, update.source, update.note) == ("done", "teams", "signed off")
    assert teams_bot.connector.sent()[0].card["body"][0]["inlines"][0]["color"] == "Good"


def test_redelivered_message_is_answered_once(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    activity = message(user, personal_chat(user), 'update esr/1.a at_risk "slipping"', teams_bot.service_url)
    assert teams_bot.post(activity).status_code == 200
    assert teams_bot.post(activity).status_code == 200
    with teams_bot.database.unit_of_work() as session:
        target = action(session, "esr/1.a")
        assert len(session.scalars(select(StatusUpdate).where(StatusUpdate.action_id == target.id)).all()) == 1
    assert len(teams_bot.connector.sent()) == 1


def test_channel_message_with_mention_is_answered_in_the_thread(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    activity = message(user, CHANNEL, "escalation today", teams_bot.service_url, mention_bot=True)
    assert teams_bot.post(activity).status_code == 200
    (sent,) = teams_bot.connector.sent()
    assert sent.conversation == CHANNEL.conversation_id and sent.body["replyToId"] == activity["id"]
    with teams_bot.database.unit_of_work() as session:
        admin = teams_bot.person(ADMIN)
        # A channel that has not chosen a language is answered in both, Welsh first (commands/audience.py).
        with speaking("cy"):
            welsh_title = say(session, teams_bot.runtime.clock, "escalation today", admin).title
        title = say(session, teams_bot.runtime.clock, "escalation today", admin).title
        texts = [block_text(block) for block in sent.card["body"]]
        assert texts[0] == welsh_title and title in texts[1:]
        addresses = {row.address: row.person_id for row in session.scalars(select(ConversationReference))}
    assert addresses == {CHANNEL.conversation_id: None, f"user:{user.user_id}": admin.id}


def test_unknown_person_is_told_how_to_be_added(teams_bot: TeamsBotUnderTest) -> None:
    stranger = TeamsUser(user_id="29:stranger", aad_object_id="aad-stranger", name="Someone Else")
    teams_bot.connector.add_member(stranger.user_id, email="someone@example.org", aad_object_id="aad-stranger")
    assert teams_bot.post(message(stranger, personal_chat(stranger), "mine", teams_bot.service_url)).status_code == 200
    card = teams_bot.connector.sent()[0].card
    assert "someone@example.org is not in the milestones directory" in block_text(card["body"][0])
    assert "add your work email" in json.dumps(card)


def test_a_page_names_the_next_one_and_teams_answers_it(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    chat = personal_chat(user)
    assert teams_bot.post(message(user, chat, "admin unowned", teams_bot.service_url)).status_code == 200
    assert teams_bot.post(message(user, chat, "overdue plan:esr", teams_bot.service_url)).status_code == 200
    first = json.dumps(teams_bot.connector.sent()[-1].card, ensure_ascii=False)
    assert "… 2 more: `/milestones overdue plan:esr page:2`" in first
    assert teams_bot.post(message(user, chat, "overdue plan:esr page:2", teams_bot.service_url)).status_code == 200
    second = teams_bot.connector.sent()[-1].card
    assert block_text(second["body"][0]) == "Overdue actions for plan esr, page 2 of 2"
    assert "esr/10.e" in json.dumps(second) and "esr/1.a" not in json.dumps(second)
    # The seed has actions nobody owns yet (leads its documents do not state): the admin list pages too.
    assert block_text(teams_bot.connector.sent()[0].card["body"][0]).endswith("actions with no owner yet, page 1 of 5")


def test_the_welcome_and_the_home_command_show_the_persons_home(teams_bot: TeamsBotUnderTest) -> None:
    """A reporter with a manager: the welcome card on install and the answer to `home` carry the same home
    the Slack App Home shows: their actions, the services they report for, and (for the manager) the team."""
    with teams_bot.database.unit_of_work() as session:
        reporter = reporter_of(session, "gp_in_hours").person
        email, manager = reporter.email, reporter.manager
        manager_email = manager.email if manager else None
    user = teams_bot.user_for(email)
    chat = personal_chat(user)
    assert teams_bot.post(bot_added(user, chat, teams_bot.service_url)).status_code == 200
    assert teams_bot.post(message(user, chat, "home", teams_bot.service_url)).status_code == 200
    welcome, answer = (json.dumps(call.card, ensure_ascii=False) for call in teams_bot.connector.sent())
    with teams_bot.database.unit_of_work() as session:
        clock, actor = teams_bot.runtime.clock, teams_bot.person(email)
        home, actions = say(session, clock, "home", actor), say(session, clock, "mine", actor)
    for card in (welcome, answer):
        assert actions.title in card and "Services you report for" in card and "not reported yet today" in card
    assert "I'll send your prompts here" in welcome and home.title in answer
    if manager_email:
        boss = teams_bot.user_for(manager_email)
        teams_bot.post(message(boss, personal_chat(boss), "home", teams_bot.service_url))
        assert "Your team" in json.dumps(teams_bot.connector.sent()[-1].card, ensure_ascii=False)
