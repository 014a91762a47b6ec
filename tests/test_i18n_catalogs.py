"""The Welsh catalogs: complete, one home per message, six plural forms, and placeholders that match, so a
Welsh reply can never fail where the English one works."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from bot.i18n import _, ngettext, speaking
from bot.i18n.catalogs import po_files
from bot.i18n.extraction import _catalogs_by_file, duplicated_ids, untranslated

ROOT = Path(__file__).resolve().parent.parent


def test_every_message_in_the_code_has_its_welsh() -> None:
    missing = [f"{w.where}: {w.id!r}" for w in untranslated(ROOT, "cy")]
    assert missing == [], "run `.venv/bin/python scripts/catalogs add AREA` and translate:\n" + "\n".join(missing)


def test_each_message_has_one_home() -> None:
    assert duplicated_ids("cy") == []


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _catalog_messages() -> list[tuple[str, object, object]]:
    return [(name, m.id, m.string) for name, catalog in _catalogs_by_file("cy") for m in catalog if m.id]


@pytest.mark.parametrize(("name", "message_id", "translation"), _catalog_messages())
def test_placeholders_and_plural_forms_match(name: str, message_id: object, translation: object) -> None:
    if isinstance(message_id, tuple):
        assert isinstance(translation, tuple) and len(translation) == 6, f"{name}: Welsh needs six plural forms"
        wanted = _fields(message_id[1])
        assert all(_fields(form) <= wanted for form in translation), f"{name}: {message_id!r}"
    else:
        assert isinstance(translation, str)
        assert _fields(translation) == _fields(message_id), f"{name}: {message_id!r} -> {translation!r}"


def test_catalog_files_exist() -> None:
    assert [f.name for f in po_files("cy")], "the Welsh catalogs ship with the package"


def test_welsh_uses_its_own_plural_forms() -> None:
    with speaking("cy"):
        said = [ngettext("{n} day ago", "{n} days ago", n).format(n=n) for n in (1, 2, 3)]
    assert said == ["1 diwrnod yn ôl", "2 ddiwrnod yn ôl", "3 diwrnod yn ôl"]


def test_english_is_the_message_itself_and_languages_do_not_leak() -> None:
    with speaking("cy"):
        assert _("today") == "heddiw"
        with speaking("en"):
            assert _("today") == "today"
        assert _("today") == "heddiw"
    assert _("today") == "today"
