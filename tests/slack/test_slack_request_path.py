"""What one slash command costs beyond its answer: who is asking is remembered until the directory changes,
a command that only reads opens no savepoint, and replies share one kept-alive connection to Slack. The
statements are counted on the real engine (a SQLAlchemy event), the connections by the Slack stand-in."""

from __future__ import annotations

from bot.slack.client import web_client
from bot.slack.slash import answer_command
from tests.helpers import ADMIN, counting_queries, person
from tests.slack.conftest import SlackBot


def ask(bot: SlackBot, text: str) -> str:
    reply = answer_command(bot.runtime, web_client(bot.runtime.settings), user_id="UADMIN", command="/milestones",
                           text=text)  # fmt: skip
    return reply.title


def test_a_known_asker_costs_one_version_read_and_is_forgotten_when_the_directory_changes(
    slack_bot: SlackBot,
) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    ask(slack_bot, "help")  # first sight: found by email, linked
    ask(slack_bot, "help")  # remembered from here on
    with counting_queries(slack_bot.database) as seen:
        ask(slack_bot, "help")
    assert len(seen) == 1 and "data_versions" in seen[0], seen

    with slack_bot.database.unit_of_work() as session:
        person(session, ADMIN).name = "Renamed Administrator"
    with counting_queries(slack_bot.database) as seen:
        ask(slack_bot, "help")
    assert any("FROM people" in " ".join(statement.split()) for statement in seen), seen


def test_a_read_opens_no_savepoint_and_a_write_still_does(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    ask(slack_bot, "help")
    with counting_queries(slack_bot.database) as seen:
        assert "Overdue" in ask(slack_bot, "overdue")
        ask(slack_bot, "show esr/1.a")
    assert not [statement for statement in seen if "SAVEPOINT" in statement]
    with counting_queries(slack_bot.database) as seen:
        ask(slack_bot, 'update esr/1.a at_risk "waiting for data"')
    assert [statement for statement in seen if statement.lstrip().startswith("SAVEPOINT")]


def test_replies_to_the_response_url_share_one_connection(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    for count, text in enumerate(("help", "overdue", "help update"), start=1):
        slack_bot.sender.slash("/milestones", text, user_id="UADMIN")
        replies = slack_bot.slack.wait_for("response:default", count)  # one at a time: none needs a second
    assert len(replies) == 3
    assert len({reply.connection for reply in replies}) == 1
