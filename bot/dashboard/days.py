"""Days given in a dashboard address (`?day=`, `?from=`, `?to=`). Anything but an ISO date from 2000 on is
refused with 400 by the caller: `0001-01-01` once reached date arithmetic (a sparkline's first day, an
export's default start) and overflowed into HTTP 500."""

from __future__ import annotations

from datetime import date

EARLIEST_DAY = date(2000, 1, 1)


def query_day(text: str | None, default: date) -> date | None:
    """The day written in `text`, `default` when there is none, None when it is not a usable day."""
    if not text:
        return default
    if not text.isascii():
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day >= EARLIEST_DAY else None
