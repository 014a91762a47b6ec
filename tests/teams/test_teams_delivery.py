"""Proactive sends through TeamsChatPort, the connector's throttling, and the guard on relaxed auth."""

from __future__ import annotations

import httpx
import pytest

from bot.clock import FixedClock
from bot.delivery.port import DeliveryFailed
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from bot.teams.sdk import TeamsMisconfigured, check_settings
from commands.replies import Reply, Section, line
from tests.helpers import ADMIN
from tests.live_server import ServerThread
from tests.teams.activities import block_text, bot_added, message
from tests.teams.conftest import CHANNEL, TeamsBotUnderTest, personal_chat, teams_settings

NOTICE = Reply(title="Weekly digest", sections=[Section(heading="Overdue", lines=[line("esr/1.a")])])


def test_person_without_a_reference_cannot_be_reached(teams_bot: TeamsBotUnderTest) -> None:
    port = teams_bot.port()
    admin = teams_bot.person(ADMIN)
    assert port.can_reach(admin) is False
    with pytest.raises(DeliveryFailed) as failure:
        port.send_to_person(admin, NOTICE)
    assert failure.value.permanent and teams_bot.connector.calls == []


def test_proactive_send_after_install_reaches_the_personal_chat(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    teams_bot.post(bot_added(user, personal_chat(user), teams_bot.service_url))
    port = teams_bot.port()
    assert port.can_reach(teams_bot.person(ADMIN))
    delivered = port.send_to_person(teams_bot.person(ADMIN), NOTICE)
    sent = teams_bot.connector.sent()[-1]
    assert (delivered.platform, delivered.conversation, delivered.message_id) == (
        "teams", personal_chat(user).conversation_id, sent.activity_id)  # fmt: skip
    assert block_text(sent.card["body"][0]) == "Weekly digest" and sent.body["summary"] == "Weekly digest"


def test_person_seen_only_in_a_channel_gets_a_new_personal_chat(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    teams_bot.post(message(user, CHANNEL, "help", teams_bot.service_url, mention_bot=True))
    port = teams_bot.port()
    first = port.send_to_person(teams_bot.person(ADMIN), NOTICE)
    second = port.send_to_person(teams_bot.person(ADMIN), NOTICE)
    (created,) = [c for c in teams_bot.connector.calls if c.path == "/v3/conversations"]
    assert created.body["members"] == [{"id": user.user_id}] and created.body["tenantId"] == "tenant-0001"
    assert first.conversation == second.conversation == created.conversation


def test_channel_post_goes_to_the_channel_the_bot_was_added_to(teams_bot: TeamsBotUnderTest) -> None:
    port = teams_bot.port()
    with pytest.raises(DeliveryFailed):
        port.send_to_channel(CHANNEL.conversation_id, NOTICE)
    teams_bot.post(bot_added(teams_bot.user_for(ADMIN), CHANNEL, teams_bot.service_url))
    delivered = port.send_to_channel(CHANNEL.conversation_id, NOTICE)
    assert delivered.conversation == CHANNEL.conversation_id
    assert block_text(teams_bot.connector.sent()[-1].card["body"][0]) == "Weekly digest"


def test_throttled_connector_is_retried_until_it_accepts(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    teams_bot.post(bot_added(user, personal_chat(user), teams_bot.service_url))
    teams_bot.connector.fail_next(429, times=2, retry_after="1")
    delivered = teams_bot.port().send_to_person(teams_bot.person(ADMIN), NOTICE)
    assert delivered.message_id == teams_bot.connector.sent()[-1].activity_id
    teams_bot.connector.fail_next(502)
    assert teams_bot.post(message(user, personal_chat(user), "mine", teams_bot.service_url)).status_code == 200
    assert block_text(teams_bot.connector.sent()[-1].card["body"][0])


def test_connector_failures_go_back_to_the_outbox(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    teams_bot.post(bot_added(user, personal_chat(user), teams_bot.service_url))
    port, admin = teams_bot.port(), teams_bot.person(ADMIN)
    teams_bot.connector.fail_next(429, times=4, retry_after="7")
    with pytest.raises(DeliveryFailed) as busy:
        port.send_to_person(admin, NOTICE)
    assert not busy.value.permanent and busy.value.retry_after == 7
    teams_bot.connector.fail_next(403)
    with pytest.raises(DeliveryFailed) as refused:
        port.send_to_person(admin, NOTICE)
    assert refused.value.permanent


def test_activity_without_a_bearer_token_is_rejected(sqlite_db: Database, clock: FixedClock) -> None:
    settings = teams_settings("https://smba.trafficmanager.net/emea/", sqlite_db, teams_allow_unauthenticated=False,
                              teams_client_secret="secret")  # fmt: skip
    server = ServerThread(build_app(Runtime(settings=settings, database=sqlite_db, clock=clock))).start()
    try:
        response = httpx.post(f"{server.url}/api/messages", json={"type": "message", "text": "overdue"})
        forged = httpx.post(f"{server.url}/api/messages", json={"type": "message"},
                            headers={"Authorization": "Bearer not-a-jwt"})  # fmt: skip
    finally:
        server.stop()
    assert (response.status_code, forged.status_code) == (401, 401)


def test_relaxed_auth_is_refused_unless_the_connector_is_local(sqlite_db: Database) -> None:
    with pytest.raises(TeamsMisconfigured):
        check_settings(teams_settings("https://smba.trafficmanager.net/emea/", sqlite_db))
    check_settings(teams_settings("http://127.0.0.1:9", sqlite_db))
