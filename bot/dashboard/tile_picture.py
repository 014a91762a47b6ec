"""The escalation tiles as a PNG, for chat platforms that show a picture better than a long list: one tile per
service in its worst level's colour, with the level's label and how many reported of how many expected.
Drawn with Pillow's built-in font, so the server needs no font files."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.dashboard.queries import EscalationPicture, ServiceTile
from bot.dashboard.render import LevelStyle, long_date, no_reports_style
from bot.i18n import _

COLUMNS = 4
TILE_WIDTH, TILE_HEIGHT = 260, 132
GAP, MARGIN, HEADER_HEIGHT = 12, 16, 64
PADDING = 12
BACKGROUND, INK, MUTED = "#FFFFFF", "#263238", "#607D8B"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[int, int, int, int]
# Pillow's built-in font has ASCII and a few typographic marks only: dashes (level labels use them) become
# hyphens and accented letters (Welsh names) lose their accents rather than showing as empty boxes.
PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2192": "->"})


@lru_cache(maxsize=8)
def _font(size: int) -> Font:
    return ImageFont.load_default(size=size)


def tile_box(index: int) -> Box:
    """Where the index-th tile is drawn (left, top, right, bottom), row by row."""
    row, column = divmod(index, COLUMNS)
    left = MARGIN + column * (TILE_WIDTH + GAP)
    top = HEADER_HEIGHT + row * (TILE_HEIGHT + GAP)
    return left, top, left + TILE_WIDTH, top + TILE_HEIGHT


def _drawable(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(PLAIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> str:
    """The text in drawable letters, shortened with an ellipsis until it fits the width."""
    text = _drawable(text)
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int, lines: int) -> list[str]:
    """Word-wrapped to at most `lines` lines; the last one shortened if the text does not fit."""
    words, out = _drawable(text).split(), [""]
    for word in words:
        joined = f"{out[-1]} {word}".strip()
        if draw.textlength(joined, font=font) <= width or not out[-1]:
            out[-1] = joined
        elif len(out) < lines:
            out.append(word)
        else:
            out[-1] = f"{out[-1]} {word}"
    return [*out[:-1], _fit(draw, out[-1], font, width)]


def _draw_tile(draw: ImageDraw.ImageDraw, box: Box, tile: ServiceTile, style: LevelStyle) -> None:
    left, top, right, _bottom = box
    draw.rectangle(box, fill=style.background)
    width = right - left - 2 * PADDING
    x, y = left + PADDING, top + PADDING
    for n, text in enumerate(_wrap(draw, tile.name, _font(17), width, lines=2)):
        draw.text((x, y + 21 * n), text, font=_font(17), fill=style.foreground)
    draw.text((x, y + 52), _fit(draw, style.label, _font(15), width), font=_font(15), fill=style.foreground)
    draw.text((x, y + 78), _fit(draw, tile.reported_text, _font(15), width), font=_font(15), fill=style.foreground)


def tile_png(picture: EscalationPicture, styles: dict[int, LevelStyle], *, heading: str, day: date) -> bytes:
    rows = max(1, -(-len(picture.tiles) // COLUMNS))
    width = 2 * MARGIN + COLUMNS * TILE_WIDTH + (COLUMNS - 1) * GAP
    height = HEADER_HEIGHT + rows * TILE_HEIGHT + (rows - 1) * GAP + MARGIN
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title = _("Escalation levels: {organisation}").format(organisation=heading)
    draw.text((MARGIN, MARGIN), _fit(draw, title, _font(22), width - 2 * MARGIN), font=_font(22), fill=INK)
    draw.text((MARGIN, MARGIN + 28), long_date(day), font=_font(14), fill=MUTED)
    no_reports = no_reports_style()
    for index, tile in enumerate(picture.tiles):
        style = styles.get(tile.worst, no_reports) if tile.worst is not None else no_reports
        _draw_tile(draw, tile_box(index), tile, style)
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True would cost 5x the time for 2% fewer bytes
    return out.getvalue()
