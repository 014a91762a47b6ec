"""Dates and numbers the way each language writes them (Babel's `cy` and `en_GB` locales): "31 Jan 2018" /
"31 Ion 2018", "1,234"."""

from __future__ import annotations

from datetime import date

from bot.i18n.language import Language, current_language

LOCALES: dict[Language, str] = {"cy": "cy", "en": "en_GB"}
# en_GB's CLDR data abbreviates September as "Sept"; GOV.UK style (and every reply so far) writes "Sep", which
# CLDR's plain English gives, with the same day-month-year order the patterns fix.
DATE_LOCALES: dict[Language, str] = {"cy": "cy", "en": "en"}


def format_day(day: date, pattern: str = "d MMM y") -> str:
    """A day in the current language; `pattern` is a CLDR pattern ("EEE d MMM" gives "Sad 30 Meh")."""
    # Babel is imported at first use: it costs ~30 ms, and `say help` should start fast.
    from babel.dates import format_date

    return format_date(day, pattern, locale=DATE_LOCALES[current_language()])


def format_number(value: int) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=LOCALES[current_language()])
