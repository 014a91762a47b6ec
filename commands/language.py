"""`language` / `iaith`: the asker's language, or the language of replies in the channel it is typed in; and
the click on the first-contact "Cymraeg neu English?" buttons."""

from __future__ import annotations

from dataclasses import replace

from bot.directory.models import ChannelLanguage, Person
from bot.i18n import Language, _, is_language, speaking
from commands.context import CommandContext
from commands.model import LanguageChoice
from commands.replies import Receipt, Reply, refusal

# The language choice itself is always shown in its own language.
NAMES = {"cy": "Cymraeg", "en": "English", "both": "Cymraeg / English"}
CHANNEL_PLATFORMS = ("slack", "teams")
# A first-contact offer's prompt subject: `language:<person id>`.
LANGUAGE_SUBJECT = "language"


def language(command: LanguageChoice, ctx: CommandContext) -> Reply:
    if command.channel:
        return _channel_language(command, ctx)
    person = ctx.actor
    if person is None:
        return refusal(_("Only a person in the directory has a language: run the console with `--as EMAIL`."))
    if command.choice is None:
        if person.language is None:
            return Reply(title=_("You have not chosen a language yet."),
                         footer=_("Choose with `language cymraeg` or `language english`."))  # fmt: skip
        return Reply(title=_("Your language is {language}.").format(language=NAMES[person.language]))
    if not is_language(command.choice):  # the grammar gives a person only Cymraeg or English
        return refusal(_("Only a channel can have both languages: `language channel both`."))
    return _set_language(person, command.choice)


def _set_language(person: Person, choice: Language) -> Reply:
    """Stored, and confirmed in the language chosen."""
    person.language = choice
    with speaking(choice):
        title = _("Done: your language is now {language}.").format(language=NAMES[choice])
    return Reply(title=title, tone="success", language=choice)


def _channel_language(command: LanguageChoice, ctx: CommandContext) -> Reply:
    if ctx.channel is None or ctx.source not in CHANNEL_PLATFORMS:
        return refusal(_("`language channel` works in a Slack channel or a Teams conversation."))
    row = ctx.session.get(ChannelLanguage, (ctx.source, ctx.channel))
    if command.choice is None:
        chosen = row.language if row is not None else "both"
        return Reply(title=_("This channel's language is {language}.").format(language=NAMES[chosen]))
    if row is None:
        row = ChannelLanguage(platform=ctx.source, channel_id=ctx.channel)
        ctx.session.add(row)
    row.language, row.set_at = command.choice, ctx.now
    row.set_by_id = ctx.actor.id if ctx.actor is not None else None
    return Reply(title=_("Done: this channel's language is now {language}.").format(language=NAMES[command.choice]),
                 tone="success")  # fmt: skip


def choose_from_offer(person_id: int, choice: str, ctx: CommandContext) -> Reply:
    """A click on "Cymraeg" or "English": stored for the person it was offered to, the receipt in that
    language."""
    if ctx.actor is None or ctx.actor.id != person_id:
        return refusal(_("This choice was offered to someone else; yours is `language cymraeg` or `language english`."))
    if not is_language(choice):
        return refusal(_("Those buttons offer only Cymraeg or English."), "`/milestones language`")
    receipt = Receipt(summary=NAMES[choice], by=ctx.actor.name, at=ctx.now)
    return replace(_set_language(ctx.actor, choice), receipt=receipt)
