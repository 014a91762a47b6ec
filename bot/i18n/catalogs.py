"""Loads the Welsh catalog. A compiled `milestones.mo` is used when it is newer than every `.po` file (a built
wheel, or after `scripts/catalogs compile`); otherwise the `.po` files are read and compiled in memory, so a
checkout whose catalogs were just edited never answers from a stale compilation."""

from __future__ import annotations

import gettext
import io
import os
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from bot.i18n.language import Language

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

DOMAIN = "milestones"


def catalog_folder(language: Language) -> Traversable:
    return resources.files("bot.i18n").joinpath("locale", language, "LC_MESSAGES")


def po_files(language: Language) -> list[Traversable]:
    folder = catalog_folder(language)
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name)


def merged_catalog(language: Language) -> Catalog:
    """Every area's `.po` file in one catalog (the plural rule comes from the language, not from a file)."""
    # Imported here: a built install reads the compiled catalog and never needs Babel's readers.
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language, domain=DOMAIN)
    for po in po_files(language):
        with po.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and _is_translated(message.string) and not message.fuzzy:
                    merged.add(message.id, message.string, context=message.context)
    return merged


def compiled_bytes(language: Language) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, merged_catalog(language))
    return buffer.getvalue()


@cache
def translations(language: Language) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    compiled = catalog_folder(language).joinpath(f"{DOMAIN}.mo")
    data = compiled.read_bytes() if _is_fresh(compiled, language) else compiled_bytes(language)
    return gettext.GNUTranslations(io.BytesIO(data))


def _is_translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


def _is_fresh(compiled: Traversable, language: Language) -> bool:
    if not compiled.is_file():
        return False
    built = os.stat(str(compiled)).st_mtime
    return all(os.stat(str(po)).st_mtime <= built for po in po_files(language))
