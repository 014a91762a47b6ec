"""What one slash command costs beyond its answer: who is asking is remembered until the directory changes,
a command that only reads opens no savepoint, and replies share one kept-alive connection to Slack. The
statements are counted on the real engine (a SQLAlchemy event), the connections by the Slack stand-in."""

from __future__ import annotations

from bot.slack.blocks import RenderedBullets
from bot.slack.client import web_client
from bot.slack.locales import SlackLocales
from bot.slack.slash import answer_command
from commands.replies import Status, Text, line
from tests.helpers import ADMIN, counting_queries, person
from tests.slack.conftest import SlackBot


def ask(bot: SlackBot, text: str) -> str:
    reply = answer_command(bot.runtime, web_client(bot.runtime.settings), SlackLocales(), user_id="UADMIN",
                           command="/milestones", text=text)  # fmt: skip
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


def test_a_slack_locale_is_asked_once_in_a_while_and_a_failed_lookup_is_not_kept(slack_bot: SlackBot) -> None:
    client = web_client(slack_bot.runtime.settings)
    now = [0.0]
    locales = SlackLocales(kept_seconds=600, monotonic=lambda: now[0])
    assert locales.locale(client, "UCY") is None  # users.info: user_not_found
    slack_bot.slack.add_user("UCY", "deiniol.fychan@example.nhs.wales", locale="cy-GB")
    assert locales.locale(client, "UCY") == "cy-GB"
    slack_bot.slack.locales["UCY"] = "en-GB"  # changed in Slack's settings
    now[0] = 599.0
    assert locales.locale(client, "UCY") == "cy-GB"
    now[0] = 600.0
    assert locales.locale(client, "UCY") == "en-GB"
    assert len(slack_bot.slack.calls_to("users.info")) == 3


def test_commands_from_someone_without_a_chosen_language_ask_slack_for_the_locale_once(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UCY", "deiniol.fychan@example.nhs.wales", locale="cy-GB")
    for count, text in enumerate(("help", "language", "due"), start=1):
        slack_bot.sender.slash("/milestones", text, user_id="UCY")
        replies = slack_bot.slack.wait_for("response:default", count)
    assert "Nid ydych wedi dewis iaith eto." in str(replies[1].params["blocks"])  # answered in Welsh
    asked = [c for c in slack_bot.slack.calls_to("users.info") if str(c.params.get("include_locale")) in ("1", "true")]
    assert len(asked) == 1


def test_rendered_lines_are_remembered_by_the_line_itself_and_bounded() -> None:
    bullets = RenderedBullets(max_lines=2)
    kept = line(Status("at_risk", "At risk"), " ", Text("esr/1.a", "code"))
    assert bullets(kept) == bullets(kept) == "• :large_orange_circle: At risk `esr/1.a`"
    assert bullets(line(Text("a & b"))) == "• a &amp; b"  # an equal line built anew renders the same way
    assert bullets(line(Text("a & b"))) == "• a &amp; b"
    assert len(bullets._kept) == 2
