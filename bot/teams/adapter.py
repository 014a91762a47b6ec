"""The seam between the Teams SDK and our Starlette app: the SDK registers its messaging handler (JWT
validation, activity parsing, routing) here instead of starting its own FastAPI server, and our route feeds
it each request."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class StarletteAdapter:
    """Implements the SDK's HttpServerAdapter protocol for one route of an app we serve ourselves."""

    def __init__(self, initialize: Callable[[], Awaitable[None]]) -> None:
        self._initialize = initialize
        self._handler: HttpRouteHandler | None = None
        self._lock: asyncio.Lock | None = None

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        self._handler = handler

    def serve_static(self, path: str, directory: str) -> None:
        """Nothing to serve: the Teams app package is uploaded, not hosted."""

    async def start(self, port: int) -> None:
        raise NotImplementedError("milestones-bot serve runs the server; the Teams SDK only gets a route")

    async def stop(self) -> None:
        """The server's lifecycle belongs to `serve`."""

    async def endpoint(self, request: Request) -> Response:
        handler = await self._ready()
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "The body must be a JSON activity."}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "The body must be a JSON object."}, status_code=400)
        result = await handler(HttpRequest(body=body, headers=dict(request.headers)))
        if result["body"] is None:
            return Response(status_code=result["status"])
        return JSONResponse(result["body"], status_code=result["status"])

    async def _ready(self) -> HttpRouteHandler:
        # The SDK's initialize() is async and registers the route, so it runs on the server's loop, once.
        if self._handler is None:
            self._lock = self._lock or asyncio.Lock()
            async with self._lock:
                if self._handler is None:
                    await self._initialize()
        assert self._handler is not None, "the Teams SDK did not register its messaging endpoint"
        return self._handler
