"""The idempotency key of the message being delivered right now.

The sender sets it around each send; a port whose platform can deduplicate (a client message id, or the
local stand-ins) passes it along, so a message re-sent after a crash between "the platform accepted it"
and "the outbox row was marked sent" is not shown twice. A contextvar keeps `ChatPort` unchanged for
ports that cannot use it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("delivery_key", default=None)


def current_delivery_key() -> str | None:
    return _current.get()


@contextmanager
def delivery_key(key: str) -> Iterator[None]:
    token = _current.set(key)
    try:
        yield
    finally:
        _current.reset(token)
