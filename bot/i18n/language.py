"""Which language the current piece of work answers in. A context variable, so a request thread, a
scheduler job and a bilingual channel reply (one rendering per language) never see each other's choice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, TypeGuard

Language = Literal["cy", "en"]
# Welsh first: the Welsh Language Standards' guidance puts Welsh first in bilingual text.
LANGUAGES: tuple[Language, ...] = ("cy", "en")

_current: ContextVar[Language] = ContextVar("language", default="en")


def is_language(value: object) -> TypeGuard[Language]:
    return value in LANGUAGES


def current_language() -> Language:
    return _current.get()


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def local(english: str, welsh: str | None) -> str:
    """Shipped or imported text that carries its own Welsh (an organisation's name, a level's definition): the
    Welsh when the current language is Welsh and a translation exists, else the English."""
    return welsh if welsh and current_language() == "cy" else english
