"""`column IN (subquery)`, written for PostgreSQL as `column = ANY(ARRAY(subquery))`.

PostgreSQL plans an IN-subquery as a join and, for an organisation subtree, often picks a hash join over the
whole table; ANY(ARRAY(…)) runs the subquery once and probes the index with its values, a plan that stays
fast whatever the statistics say. Other databases get the plain IN form.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal


class InSubquery(ColumnElement[bool]):
    inherit_cache = True
    type = Boolean()
    # A comparison already: without this, databases with no boolean type would get `… IN (…) = 1`.
    _is_implicitly_boolean = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own declaration style)
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: QueryableAttribute[Any], subquery: Select[Any]) -> None:
        self.column = column.expression
        self.subquery = subquery


@compiles(InSubquery)
def _in_subquery(element: InSubquery, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN ({compiler.process(element.subquery, **kw)})"


@compiles(InSubquery, "postgresql")
def _any_array(element: InSubquery, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY({compiler.process(element.subquery, **kw)}))"
