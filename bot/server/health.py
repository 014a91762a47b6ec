"""Liveness and readiness for load balancers and orchestrators. /healthz: the process answers. /readyz: the
database answers and its schema is at the migrations this code ships; 503 otherwise, with the reason, so a
server whose database refuses connections is taken out of rotation instead of reporting ok."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.storage.database import Database
from bot.storage.migrate import current_revision, head_revision

SERVICE_UNAVAILABLE = 503


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def readiness(database: Database) -> tuple[bool, str]:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("select 1"))
            current = current_revision(connection)
    except SQLAlchemyError as problem:
        # The reason names the failure's kind, never the URL (it may hold a password).
        return False, f"database unavailable ({type(problem).__name__})"
    head = head_revision()
    if current != head:
        return False, f"schema at {current or 'nothing'}, code expects {head}: run `milestones-bot init`"
    return True, f"database answers, schema at {head}"


async def readyz(request: Request) -> JSONResponse:
    ready, detail = await run_in_threadpool(readiness, request.app.state.runtime.database)
    return JSONResponse({"status": "ok" if ready else "unavailable", "detail": detail},
                        status_code=200 if ready else SERVICE_UNAVAILABLE)  # fmt: skip
