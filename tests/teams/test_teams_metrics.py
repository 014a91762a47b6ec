"""Commands and card clicks answered through Teams over HTTP count in the app's /metrics like Slack's."""

from __future__ import annotations

from tests.helpers import ADMIN
from tests.slack.test_metrics import answered, scrape
from tests.teams.activities import message
from tests.teams.conftest import TeamsBotUnderTest, personal_chat
from tests.teams.test_teams_prompts import answered as answered_card
from tests.teams.test_teams_prompts import checkin_card


def test_teams_commands_count_by_name_and_outcome(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    chat = personal_chat(user)
    before = scrape(teams_bot.server.url)
    for text in ("overdue", "mine", "show esr/99.z", "frobnicate"):
        assert teams_bot.post(message(user, chat, text, teams_bot.service_url)).status_code == 200
    after = scrape(teams_bot.server.url)
    for command, outcome in (("overdue", "answered"), ("mine", "answered"), ("show", "refused")):
        assert answered(after, command, outcome) == answered(before, command, outcome) + 1
    assert sum(answered(after, "not_understood", o) for o in ("answered", "refused")) == 1


def test_a_check_in_answered_on_a_card_counts_as_a_prompt_command(teams_bot: TeamsBotUnderTest) -> None:
    user, sent, _levels = checkin_card(teams_bot, "dental")
    before = scrape(teams_bot.server.url)
    (submit,) = sent.card["actions"]
    answered_card(teams_bot, user, sent, submit["data"] | {"level": "2"})
    after = scrape(teams_bot.server.url)
    assert answered(after, "prompt_checkin", "answered") == answered(before, "prompt_checkin", "answered") + 1
