"""How the dashboard says who has reported, in the words of the organisations that report a service:
"2 of 3 GP practices reported" rather than "2 of 3 reported"."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import ngettext

Wording = Callable[[int], str]

# Each a literal ngettext call, so the catalogue tools find it; `n` is the number expected.
BY_KIND: dict[str, Wording] = {
    "practice": lambda n: ngettext(
        "{reported} of {expected} GP practice reported", "{reported} of {expected} GP practices reported", n
    ),
    "pharmacy": lambda n: ngettext(
        "{reported} of {expected} pharmacy reported", "{reported} of {expected} pharmacies reported", n
    ),
    "dental_practice": lambda n: ngettext(
        "{reported} of {expected} dental practice reported", "{reported} of {expected} dental practices reported", n
    ),
    "optometry_practice": lambda n: ngettext(
        "{reported} of {expected} optometry practice reported",
        "{reported} of {expected} optometry practices reported",
        n,
    ),
    "health_board": lambda n: ngettext(
        "{reported} of {expected} health board reported", "{reported} of {expected} health boards reported", n
    ),
}


def reported_of(kind: str, reported: int, expected: int) -> str:
    wording = BY_KIND.get(kind) or (
        lambda n: ngettext(
            "{reported} of {expected} organisation reported", "{reported} of {expected} organisations reported", n
        )
    )
    return wording(expected).format(reported=reported, expected=expected)
