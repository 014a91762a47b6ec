"""Dates and numbers the way each language writes them (Babel's `cy` and `en_GB` locales): "31 Jan 2018" /
"31 Ion 2018", "1,234"."""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from bot.i18n.language import Language, current_language

if TYPE_CHECKING:
    from babel import Locale

LOCALES: dict[Language, str] = {"cy": "cy", "en": "en_GB"}
# en_GB's CLDR data abbreviates September as "Sept"; GOV.UK style (and every reply so far) writes "Sep", which
# CLDR's plain English gives, with the same day-month-year order the patterns fix.
DATE_LOCALES: dict[Language, str] = {"cy": "cy", "en": "en"}
# Dates and numbers remembered per process, each a short string.
FORMATTED_KEPT = 4_096


def format_day(day: date, pattern: str = "d MMM y") -> str:
    """A day in the current language; `pattern` is a CLDR pattern ("EEE d MMM" gives "Sad 30 Meh")."""
    return _day(day, pattern, current_language())


def format_number(value: int) -> str:
    return _number(value, current_language())


# A listing writes the same few dates and counts on line after line, and Babel parses its locale argument on
# every call: remembered, they were a sixth of an uncached `overdue`'s time in the bot's own code.
@lru_cache(maxsize=FORMATTED_KEPT)
def _day(day: date, pattern: str, language: Language) -> str:
    # Babel is imported at first use: it costs ~30 ms, and `say help` should start fast.
    from babel.dates import format_date

    return format_date(day, pattern, locale=_locale(DATE_LOCALES[language]))


@lru_cache(maxsize=FORMATTED_KEPT)
def _number(value: int, language: Language) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(LOCALES[language]))


@cache  # one per locale name above
def _locale(name: str) -> Locale:
    from babel import Locale

    return Locale.parse(name)
