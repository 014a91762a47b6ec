"""Prompt cards sent proactively, answered by clicking (Action.Execute invokes), recorded once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.clock import london_today
from bot.escalation.models import EscalationReport, Level
from bot.plans.models import StatusUpdate
from bot.teams.cards import note_input_id
from commands.prompts import checkin_prompt
from commands.replies import Reply
from tests.bundles import queue_bundle
from tests.helpers import action, reporter_of
from tests.stand_ins.teams_connector import Call
from tests.teams.activities import TeamsUser, block_text, bot_added, card_buttons, card_click
from tests.teams.conftest import CHANNEL, TeamsBotUnderTest, personal_chat


def installed(teams_bot: TeamsBotUnderTest, email: str) -> TeamsUser:
    user = teams_bot.user_for(email)
    assert teams_bot.post(bot_added(user, personal_chat(user), teams_bot.service_url)).status_code == 200
    return user


def answered(teams_bot: TeamsBotUnderTest, user: TeamsUser, sent: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Clicks the card's button with `data` merged in, as Teams does with the card's inputs."""
    assert sent.activity_id is not None
    click = card_click(user, personal_chat(user), teams_bot.service_url, card_id=sent.activity_id, data=data)
    response = teams_bot.post(click)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def one_action_prompt(teams_bot: TeamsBotUnderTest, label: str = "esr/1.a") -> tuple[str, Reply]:
    """Today's bundle of one action for its owner, queued as the scheduler does; returns the owner's email."""
    clock = teams_bot.runtime.clock
    with teams_bot.database.unit_of_work() as session:
        target = action(session, label)
        assert target.owner is not None
        prompt = queue_bundle(session, recipient=target.owner, actions=[target], day=london_today(clock),
                              now=clock.now())  # fmt: skip
        return target.owner.email, prompt


def test_status_prompt_click_is_recorded_once_and_replaces_the_card(teams_bot: TeamsBotUnderTest) -> None:
    owner_email, prompt = one_action_prompt(teams_bot)
    user = installed(teams_bot, owner_email)
    delivered = teams_bot.port().send_to_person(teams_bot.person(owner_email), prompt)
    sent = teams_bot.connector.sent()[-1]
    assert (sent.conversation, sent.activity_id) == (delivered.conversation, delivered.message_id)
    buttons = {a["title"]: a["data"] for a in card_buttons(sent.card)}
    data = buttons["At risk"] | {note_input_id(buttons["At risk"]["subject"]): "waiting on the LMC"}
    first = answered(teams_bot, user, sent, data)
    assert first["type"] == "application/vnd.microsoft.card.adaptive"
    receipt = first["value"]["body"]
    assert block_text(receipt[0]) == "Recorded: esr/1.a: At risk — “waiting on the LMC”"
    assert [run["text"] for run in receipt[1]["inlines"]][:2] == ["by ", user.name]
    again = answered(teams_bot, user, sent, buttons["Done"])
    assert "already answered" in block_text(again["value"]["body"][0])
    with teams_bot.database.unit_of_work() as session:
        target = action(session, "esr/1.a")
        count = session.scalar(select(func.count(StatusUpdate.id)).where(StatusUpdate.action_id == target.id))
        assert (count, target.status) == (1, "at_risk")


def checkin_card(teams_bot: TeamsBotUnderTest, service: str) -> tuple[TeamsUser, Call, list[Level]]:
    """Today's check-in card for `service`'s first reporter, sent to them: the reporter, the card, the levels."""
    with teams_bot.database.unit_of_work() as session:
        assignment = reporter_of(session, service)
        levels = list(session.scalars(select(Level).order_by(Level.number)))
        email = assignment.person.email
        prompt = checkin_prompt(assignment.service, assignment.organisation, levels,
                                teams_bot.runtime.clock.now().date())  # fmt: skip
    user = installed(teams_bot, email)
    teams_bot.port().send_to_person(teams_bot.person(email), prompt)
    return user, teams_bot.connector.sent()[-1], levels


def test_escalation_checkin_records_the_chosen_level_once(teams_bot: TeamsBotUnderTest) -> None:
    user, sent, levels = checkin_card(teams_bot, "gp_in_hours")
    (choice_set,) = [e for e in sent.card["body"] if e["type"] == "Input.ChoiceSet"]
    assert [c["title"] for c in choice_set["choices"]] == [level.label for level in levels]
    (definitions,) = [e for e in sent.card["body"] if e["type"] == "Container"]
    assert [block_text(line) for line in definitions["items"]] == [f"{lv.label} — {lv.definition}" for lv in levels]
    (submit,) = sent.card["actions"]
    click = submit["data"] | {"level": "3", "note": "two GPs off sick"}
    assert answered(teams_bot, user, sent, click)["type"] == "application/vnd.microsoft.card.adaptive"
    answered(teams_bot, user, sent, click)
    with teams_bot.database.unit_of_work() as session:
        report = session.scalars(select(EscalationReport)).one()
        assert (report.level, report.source, report.note) == (3, "teams", "two GPs off sick")


def test_click_by_someone_not_allowed_leaves_the_card(teams_bot: TeamsBotUnderTest) -> None:
    owner_email, prompt = one_action_prompt(teams_bot)
    installed(teams_bot, owner_email)
    teams_bot.port().send_to_person(teams_bot.person(owner_email), prompt)
    sent = teams_bot.connector.sent()[-1]
    stranger = TeamsUser(user_id="29:nobody", aad_object_id="aad-nobody", name="Nobody")
    teams_bot.connector.add_member(stranger.user_id, email="nobody@example.org", aad_object_id="aad-nobody")
    body = answered(teams_bot, stranger, sent, card_buttons(sent.card)[0]["data"])
    assert (
        body["type"] == "application/vnd.microsoft.activity.message"
        and "not in the milestones directory" in body["value"]
    )
    with teams_bot.database.unit_of_work() as session:
        assert session.scalar(select(func.count(StatusUpdate.id))) == 0


def test_card_action_with_missing_data_is_a_bad_request_not_a_crash(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for("admin@example.nhs.wales")
    click = card_click(user, personal_chat(user), teams_bot.service_url, card_id="activity-x", data={"value": "done"})
    body = teams_bot.post(click).json()
    assert body["statusCode"] == 400 and "missing" in body["value"]["message"]


def test_card_answered_in_a_channel_is_replaced_for_everyone(teams_bot: TeamsBotUnderTest) -> None:
    owner_email, prompt = one_action_prompt(teams_bot)
    owner = teams_bot.user_for(owner_email)
    assert teams_bot.post(bot_added(owner, CHANNEL, teams_bot.service_url)).status_code == 200
    delivered = teams_bot.port().send_to_channel(CHANNEL.conversation_id, prompt)
    button = card_buttons(teams_bot.connector.sent()[-1].card)[0]["data"]
    click = card_click(owner, CHANNEL, teams_bot.service_url, card_id=delivered.message_id, data=button)
    body = teams_bot.post(click).json()
    (update,) = teams_bot.connector.sent("PUT")
    assert update.activity_id == delivered.message_id and update.conversation == CHANNEL.conversation_id
    assert update.card == body["value"] and block_text(body["value"]["body"][0]).startswith("Recorded: esr/1.a")
