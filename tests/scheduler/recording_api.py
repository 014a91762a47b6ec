"""A recording HTTP stand-in for a chat platform, and the chat port that talks to it.

The stand-in deduplicates on the `Idempotency-Key` header (the sender's outbox id), like a platform with
client-side message ids would, and can enforce one message per second per conversation and answer a
burst of 429s with Retry-After, like Slack. Used by the kill-and-restart test and the fan-out benchmark."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from bot.delivery.idempotency import current_delivery_key
from bot.delivery.pacing import NO_LIMITS
from bot.delivery.port import Delivered, DeliveryFailed
from bot.directory.models import Person
from commands.replies import Reply


@dataclass
class RecordingApi:
    per_conversation_interval: float = 0.0  # 1.0 = Slack's one message per second per channel
    burst_429s: int = 0  # the next this-many posts are refused with Retry-After
    retry_after: float = 1.0
    accepted: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (conversation, title)
    posts: int = 0
    duplicates: int = 0
    refused: int = 0
    _last: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, key: str, conversation: str, title: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.posts += 1
            if key in self.accepted:
                self.duplicates += 1
                return 200, {"ok": True, "id": key, "duplicate": True}
            now = time.monotonic()
            last = self._last.get(conversation)
            if self.burst_429s > 0 or (last is not None and now - last < self.per_conversation_interval):
                self.burst_429s = max(0, self.burst_429s - 1)
                self.refused += 1
                wait = self.retry_after if last is None else max(self.per_conversation_interval - (now - last), 0.01)
                return 429, {"ok": False, "retry_after": wait}
            self._last[conversation] = now
            self.accepted[key] = (conversation, title)
            return 200, {"ok": True, "id": key}


def _handler(api: RecordingApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            status, answer = api.answer(self.headers.get("Idempotency-Key", ""), body["to"], body["title"])
            payload = json.dumps(answer).encode()
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", f"{answer['retry_after']:.2f}")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def serving(api: RecordingApi) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/send"
    finally:
        server.shutdown()
        server.server_close()


class HttpRecordingPort:
    platform = "recording"
    limits = NO_LIMITS

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.Client(timeout=5)

    def can_reach(self, person: Person) -> bool:
        return True

    def send_to_person(self, person: Person, reply: Reply) -> Delivered:
        return self.send_to_channel(person.email, reply)

    def send_to_channel(self, channel: str, reply: Reply) -> Delivered:
        key = current_delivery_key() or ""
        try:
            answer = self.client.post(
                self.url, json={"to": channel, "title": reply.title}, headers={"Idempotency-Key": key}
            )
        except httpx.HTTPError as problem:
            raise DeliveryFailed(f"recording api unreachable: {problem}") from problem
        if answer.status_code == 429:
            raise DeliveryFailed("rate limited", retry_after=float(answer.headers["Retry-After"]))
        if answer.status_code >= 400:
            raise DeliveryFailed(f"HTTP {answer.status_code}")
        return Delivered(self.platform, channel, str(answer.json()["id"]))
