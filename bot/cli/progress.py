"""Progress for long command-line work (imports of large files, exports, generating a benchmark workload): a
bar on the terminal, nothing at all when stderr is not one (pipes, CI, cron), so logs and captured output
stay clean. tqdm is imported only when a bar is drawn."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def shown(items: Iterable[T], *, what: str, total: int | None = None) -> Iterator[T]:
    """The items, unchanged, counted on a bar (on stderr, so stdout can still be piped) when it is a terminal."""
    if not sys.stderr.isatty():
        return iter(items)
    from tqdm import tqdm

    return iter(tqdm(items, total=total, unit=" " + what, file=sys.stderr, leave=False, dynamic_ncols=True))
