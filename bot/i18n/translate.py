"""The lookups handlers and renderers call. English is the message id itself, so an English reader never
pays for a catalog."""

from __future__ import annotations

from bot.i18n.catalogs import translations
from bot.i18n.language import current_language


def _(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """For a word whose Welsh depends on where it stands ("Done" as a status and as a button)."""
    return translations(current_language()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a constant for extraction; translate it with `_()` where it is shown."""
    return message
