"""The pack's pictures as PNG bytes: delivery by organisation as stacked bars, and each board's escalation
levels as a heatmap of services by day. matplotlib is imported here, when a pack is built, never at start-up
(it costs about half a second), and always with the Agg backend: a server has no display."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.i18n import _, format_day
from bot.plans.delivery_progress import BUCKET_LABELS, BUCKETS
from bot.reports.pack import DeliveryRow, Heatmap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Finished in green, trouble in red and black; each segment also carries its count, so colour is never alone.
BUCKET_COLOURS = {
    "done": "#2E7D32",
    "on_track": "#81C784",
    "not_started": "#BDBDBD",
    "at_risk": "#F9A825",
    "blocked": "#E65100",
    "overdue": "#C62828",
}
NO_REPORT = "#F2F2F2"
# Up to a month, every cell carries its level; over a quarter only levels 3 and 4 do (the cells are small).
MONTH_DAYS = 31
DPI = 150


def _figure(width: float, height: float) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def delivery_chart(rows: list[DeliveryRow]) -> bytes:
    figure = _figure(7.2, 0.42 * len(rows) + 1.3)
    axes = figure.add_subplot()
    names = [row.organisation for row in reversed(rows)]
    lefts = [0] * len(rows)
    for name in BUCKETS:
        widths = [row.counts[name] for row in reversed(rows)]
        bars = axes.barh(names, widths, left=lefts, color=BUCKET_COLOURS[name], label=_(BUCKET_LABELS[name]))
        labels = [str(w) if w else "" for w in widths]
        text_colour = "white" if name in ("done", "overdue", "blocked") else "black"
        axes.bar_label(bars, labels=labels, label_type="center", fontsize=7, color=text_colour)
        lefts = [left + width for left, width in zip(lefts, widths, strict=True)]
    axes.set_xlabel(_("Actions"))
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=7, frameon=False)
    return _png(figure)


def _numbers(axes: Axes, grid: list[list[int]], shown: list[int]) -> None:
    """Each cell's level as a number drawn as a marker, one collection per level: a quarter of seven boards has
    thousands of cells, and as separate texts they took seconds to draw."""
    for level in shown:
        cells = [
            (column, row) for row, values in enumerate(grid) for column, value in enumerate(values) if value == level
        ]
        if cells:
            columns, rows = zip(*cells, strict=True)
            colour = "black" if level == 2 else "white"
            axes.scatter(columns, rows, marker=f"${level}$", s=9, c=colour, linewidths=0)


def heatmap_chart(heatmap: Heatmap, colours: dict[int, str], labels: dict[int, str], *, legend: bool) -> bytes:
    """Services down, days across; the legend goes on the first board's only, to fit three boards a page."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    figure = _figure(7.2, 0.2 * len(heatmap.services) + (1.4 if legend else 1.1))
    axes = figure.add_subplot()
    numbers = sorted(colours)
    grid = [[heatmap.cells.get((row, day), 0) for day in heatmap.days] for row in range(len(heatmap.services))]
    palette = ListedColormap([NO_REPORT, *(colours[n] for n in numbers)])
    axes.imshow(grid, aspect="auto", cmap=palette, vmin=-0.5, vmax=len(numbers) + 0.5, interpolation="nearest")
    _numbers(axes, grid, shown=numbers if len(heatmap.days) <= MONTH_DAYS else [n for n in numbers if n >= 3])
    axes.set_yticks(range(len(heatmap.services)), heatmap.services, fontsize=7)
    ticks = [i for i, day in enumerate(heatmap.days) if day.weekday() == 0]
    axes.set_xticks(ticks, [format_day(heatmap.days[i]) for i in ticks], fontsize=6, rotation=45, ha="right")
    title = heatmap.group if heatmap.cells else _("{board}: no reports this period").format(board=heatmap.group)
    axes.set_title(title, fontsize=9, loc="left")
    if legend:
        keys = [Patch(color=colours[n], label=labels[n]) for n in numbers]
        keys.append(Patch(facecolor=NO_REPORT, edgecolor="#999999", label=_("No report")))
        figure.legend(handles=keys, ncols=3, fontsize=7, loc="outside lower center", frameon=False)
    return _png(figure)
