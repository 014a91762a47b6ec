"""Turning dashboard read models into HTML: the Jinja environment, level colours and the inline sparkline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.clock import LONDON
from bot.escalation.models import Level

NO_REPORT_COLOUR = "#9E9E9E"


@dataclass(frozen=True)
class LevelStyle:
    number: int
    label: str
    background: str
    foreground: str


# A tile with no report today: the same grey in the dashboard and the tile picture.
NO_REPORTS = LevelStyle(0, "No reports today", "#ECEFF1", "#263238")


def _foreground(background: str) -> str:
    """Black or white text, whichever reads better on the level's colour (amber needs black)."""
    red, green, blue = (int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#FFFFFF"


def level_styles(levels: list[Level]) -> dict[int, LevelStyle]:
    return {lv.number: LevelStyle(lv.number, lv.label, lv.colour, _foreground(lv.colour)) for lv in levels}


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
    title = "Worst level, last 14 days: " + ", ".join("none" if v is None else str(v) for v in trend)
    return Markup(
        f'<svg class="spark" viewBox="-4 0 {width + 8} {height}" width="{width + 8}" height="{height}" role="img">'
        f"<title>{Markup.escape(title)}</title>{''.join(lines)}{''.join(dots)}</svg>"
    )


def london_time(instant: datetime | None) -> str:
    return instant.astimezone(LONDON).strftime("%H:%M on %-d %b %Y") if instant else "never"


def long_date(day: date) -> str:
    return day.strftime("%A %-d %B %Y")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("bot.dashboard", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["london_time"] = london_time
    env.filters["long_date"] = long_date
    env.globals["sparkline"] = sparkline
    env.globals["no_reports"] = NO_REPORTS
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
