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
    definition: str = ""


# A tile with no report today: the same grey in the dashboard and the tile picture.
NO_REPORTS = LevelStyle(0, N_("No reports today"), "#ECEFF1", "#263238")
NO_REPORTS_THAT_DAY = N_("No reports that day")


def no_reports_style(today: bool = True) -> LevelStyle:
    return replace(NO_REPORTS, label=_(NO_REPORTS.label if today else NO_REPORTS_THAT_DAY))


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    red, green, blue = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio (1 to 21); body text needs 4.5 (AA)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _foreground(background: str) -> str:
    """Black or white text, whichever contrasts more with the level's colour (amber needs black)."""
    return max(("#000000", "#FFFFFF"), key=lambda ink: contrast_ratio(ink, background))


def level_styles(levels: list[Level]) -> dict[int, LevelStyle]:
    return {
        lv.number: LevelStyle(lv.number, lv.local_label, lv.colour, _foreground(lv.colour), lv.local_definition)
        for lv in levels
    }


SPARK_WIDTH, SPARK_HEIGHT, SPARK_LEFT, SPARK_BOTTOM = 224, 58, 14, 14


def sparkline(trend: list[int | None], days: list[date], styles: dict[int, LevelStyle]) -> Markup:
    """The worst level each day: a dot in the level's colour with its number beside the axis (so colour is
    never the only cue), a line joining reported days, gaps for days without reports, and the first, middle
    and last days written under it."""
    top = max(styles, default=4)
    plot_width, plot_height = SPARK_WIDTH - SPARK_LEFT - 4, SPARK_HEIGHT - SPARK_BOTTOM - 8
    step = plot_width / max(len(trend) - 1, 1)

    def y(level: int) -> float:
        return round(4 + plot_height - (level - 1) * plot_height / max(top - 1, 1), 1)

    parts = [f'<text x="0" y="{y(n) + 3}" class="axis">{n}</text>'
             f'<line x1="{SPARK_LEFT - 2}" x2="{SPARK_WIDTH}" y1="{y(n)}" y2="{y(n)}" class="grid"/>'
             for n in sorted(styles)]  # fmt: skip
    segments: list[list[str]] = [[]]
    for index, level in enumerate(trend):
        if level is None:
            segments.append([])
            continue
        x = round(SPARK_LEFT + index * step, 1)
        segments[-1].append(f"{x},{y(level)}")
        colour = styles[level].background if level in styles else NO_REPORT_COLOUR
        parts.append(f'<circle cx="{x}" cy="{y(level)}" r="3.2" fill="{colour}" stroke="#fff" stroke-width="1"/>')
    parts[len(styles) : len(styles)] = [
        f'<polyline points="{" ".join(seg)}" fill="none" stroke="#37474F" stroke-width="1.2"/>'
        for seg in segments
        if len(seg) > 1
    ]
    for index, anchor in ((0, "start"), (len(days) // 2, "middle"), (len(days) - 1, "end")):
        if days:
            x = round(SPARK_LEFT + index * step, 1)
            label = Markup.escape(format_day(days[index], "d MMM"))
            parts.append(f'<text x="{x}" y="{SPARK_HEIGHT - 2}" text-anchor="{anchor}" class="axis">{label}</text>')
    return Markup(
        f'<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" role="img"><title>{Markup.escape(_spark_title(trend, days))}</title>'
        f"{''.join(parts)}</svg>"
    )


def _spark_title(trend: list[int | None], days: list[date]) -> str:
    levels = ", ".join(_("none") if v is None else str(v) for v in trend)
    if not days:
        return levels
    return _("Worst level each day from {first} to {last}: {levels}").format(
        first=format_day(days[0]), last=format_day(days[-1]), levels=levels
    )


def code_spans(text: str) -> Markup:
    """A message with `command` spans shown as code rather than literal backticks (escaped first)."""
    pieces = str(Markup.escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces)))


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
    env.filters["uk_date"] = format_day
    env.filters["code_spans"] = code_spans
    env.globals["sparkline"] = sparkline
    env.globals["no_reports"] = no_reports_style
    env.globals["_"] = _
    env.globals["ngettext"] = ngettext
    env.globals["current_language"] = current_language
    env.globals["status_labels"] = STATUS_LABELS
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
