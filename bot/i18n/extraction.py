"""What the code asks to have translated, read from the source with Babel's extractors (Python and the
dashboard's Jinja templates). Used by `scripts/catalogs` and by the test that every message has its Welsh."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n.catalogs import merged_catalog, po_files
from bot.i18n.language import Language

SOURCE_FOLDERS = ("bot", "commands", "scheduler")
METHODS = [
    ("**/i18n/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
]
MessageKey = tuple[str | tuple[str, ...], str | None]


@dataclass(frozen=True)
class Wanted:
    """One message the code uses, and where (for a person adding its translation)."""

    id: str | tuple[str, ...]
    context: str | None
    where: str


def wanted_messages(root: Path) -> dict[MessageKey, Wanted]:
    found: dict[MessageKey, Wanted] = {}
    for folder in SOURCE_FOLDERS:
        for filename, lineno, message, _comments, context in extract_from_dir(root / folder, METHODS):
            key = (message, context)
            found.setdefault(key, Wanted(message, context, f"{folder}/{filename}:{lineno}"))
    return found


def untranslated(root: Path, language: Language) -> list[Wanted]:
    have = merged_catalog(language)
    return [w for (message, context), w in wanted_messages(root).items() if not _has(have, message, context)]


def _has(catalog: Catalog, message: str | tuple[str, ...], context: str | None) -> bool:
    key = message[0] if isinstance(message, tuple) else message
    return catalog.get(key, context=context) is not None


def duplicated_ids(language: Language) -> list[tuple[str, list[str]]]:
    """Message ids kept in more than one area's file (each must have one home, so translations cannot drift)."""
    homes: dict[tuple[str, str | None], list[str]] = {}
    for name, catalog in _catalogs_by_file(language):
        for message in catalog:
            if message.id:
                key = str(message.id if isinstance(message.id, str) else message.id[0])
                homes.setdefault((key, message.context), []).append(name)
    return [(key, files) for (key, _context), files in homes.items() if len(files) > 1]


def _catalogs_by_file(language: Language) -> Iterator[tuple[str, Catalog]]:
    for po in po_files(language):
        with po.open("rb") as handle:
            yield po.name, read_po(handle, locale=language)
