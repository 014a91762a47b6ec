"""Turning dashboard read models into HTML: the Jinja environment, level colours and the inline sparkline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.clock import LONDON
from bot.escalation.models import Level
from bot.i18n import N_, _, current_language, format_day, ngettext
from bot.plans.models import STATUS_LABELS

NO_REPORT_COLOUR = "#9E9E9E"


@dataclass(frozen=True)
class LevelStyle:
    number: int
    label: str
    background: str
    foreground: str


# A tile with no report today: the same grey in the dashboard and the tile picture.
NO_REPORTS = LevelStyle(0, N_("No reports today"), "#ECEFF1", "#263238")


def no_reports_style() -> LevelStyle:
    return replace(NO_REPORTS, label=_(NO_REPORTS.label))


def _foreground(background: str) -> str:
    """Black or white text, whichever reads better on the level's colour (amber needs black)."""
    red, green, blue = (int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#FFFFFF"


def level_styles(levels: list[Level]) -> dict[int, LevelStyle]:
    return {lv.number: LevelStyle(lv.number, lv.local_label, lv.colour, _foreground(lv.colour)) for lv in levels}


def sparkline(trend: list[int | None], styles: dict[int, LevelStyle], *, width: int = 168, height: int = 40) -> Markup:
    """The worst level each day as a line with coloured dots; days without reports leave a gap."""
    top = max(styles, default=4)
    step = width / max(len(trend) - 1, 1)

    def y(level: int) -> float:
        return round(height - 5 - (level - 1) * (height - 10) / max(top - 1, 1), 1)

    segments: list[list[str]] = [[]]
    dots = []
    for index, level in enumerate(trend):
        if level is None:
            segments.append([])
            continue
        x = round(index * step, 1)
        segments[-1].append(f"{x},{y(level)}")
        colour = styles[level].background if level in styles else NO_REPORT_COLOUR
        dots.append(f'<circle cx="{x}" cy="{y(level)}" r="3" fill="{colour}" stroke="#fff" stroke-width="1"/>')
    lines = [f'<polyline points="{" ".join(s)}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
             for s in segments if len(s) > 1]  # fmt: skip
    levels = ", ".join(_("none") if v is None else str(v) for v in trend)
    title = ngettext("Worst level, last {n} day: {levels}", "Worst level, last {n} days: {levels}", len(trend)).format(
        n=len(trend), levels=levels
    )
    return Markup(
        f'<svg class="spark" viewBox="-4 0 {width + 8} {height}" width="{width + 8}" height="{height}" role="img">'
        f"<title>{Markup.escape(title)}</title>{''.join(lines)}{''.join(dots)}</svg>"
    )


def london_time(instant: datetime | None) -> str:
    if instant is None:
        return _("never")
    local = instant.astimezone(LONDON)
    return _("{time} on {day}").format(time=local.strftime("%H:%M"), day=format_day(local.date()))


def long_date(day: date) -> str:
    return format_day(day, "EEEE d MMMM y")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("bot.dashboard", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["london_time"] = london_time
    env.filters["long_date"] = long_date
    env.globals["sparkline"] = sparkline
    env.globals["no_reports"] = no_reports_style
    env.globals["_"] = _
    env.globals["ngettext"] = ngettext
    env.globals["current_language"] = current_language
    env.globals["status_labels"] = STATUS_LABELS
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
