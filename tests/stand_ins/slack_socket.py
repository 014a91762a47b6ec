"""A real websocket stand-in for Slack's Socket Mode endpoint, served by uvicorn on a local port.

The Web API stand-in answers `apps.connections.open` with `url`; the bot's Socket Mode client connects
there, gets Slack's `hello`, and is then sent envelopes (`deliver`) exactly as Slack frames them. Every
message the bot sends back (acknowledgements carrying the envelope id) is kept in `received`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.live_server import ServerThread


class SlackSocketStandIn:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._socket: WebSocket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed = threading.Condition()
        self._server = ServerThread(Starlette(routes=[WebSocketRoute("/link", self._serve)]))

    def start(self) -> SlackSocketStandIn:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.port}/link"

    def wait_connected(self, timeout: float = 10.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._socket is not None, timeout):
                raise TimeoutError("the bot did not open the Socket Mode connection")

    def deliver(self, envelope_type: str, payload: dict[str, Any], **fields: Any) -> str:
        """Sends one envelope to the bot; returns its id."""
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": envelope_type, "payload": payload,
                    "accepts_response_payload": envelope_type != "events_api", **fields}  # fmt: skip
        assert self._socket is not None and self._loop is not None, "wait_connected() first"
        asyncio.run_coroutine_threadsafe(self._socket.send_text(json.dumps(envelope)), self._loop).result(5)
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> tuple[dict[str, Any], float]:
        """The bot's acknowledgement of `envelope_id` and when it arrived (time.monotonic)."""
        with self._changed:
            found = self._changed.wait_for(lambda: self._ack(envelope_id), timeout)
        if not found:
            raise TimeoutError(f"no acknowledgement for envelope {envelope_id}")
        return found

    def _ack(self, envelope_id: str) -> tuple[dict[str, Any], float] | None:
        return next(((m, m["_at"]) for m in self.received if m.get("envelope_id") == envelope_id), None)

    async def _serve(self, websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(json.dumps({"type": "hello", "num_connections": 1,
                                              "debug_info": {"host": "stand-in"}}))  # fmt: skip
        with self._changed:
            self._socket, self._loop = websocket, asyncio.get_running_loop()
            self._changed.notify_all()
        try:
            while True:
                message = json.loads(await websocket.receive_text())
                with self._changed:
                    self.received.append({**message, "_at": time.monotonic()})
                    self._changed.notify_all()
        except WebSocketDisconnect:
            with self._changed:
                self._socket = None
                self._changed.notify_all()
