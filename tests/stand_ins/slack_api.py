"""A small, real HTTP stand-in for the Slack Web API and for `response_url`s, for tests and benchmarks.

    slack = SlackApiStandIn().start()
    settings = Settings(slack_api_base_url=slack.url, ...)      # the bot's WebClient talks to it
    slack.add_user("U1", "someone@example.nhs.wales")            # users.info / users.lookupByEmail know them
    slack.fail_next(429, retry_after=1)                           # the next call is rate limited
    slack.enforce(SLACK_LIMITS)                                   # chat.postMessage kept to Slack's limits
    ... exercise the bot ...
    slack.wait_for("chat.postMessage")                            # calls made so far (blocks until one arrives)
    slack.stop()

Every request is recorded in `calls` (method, params, HTTP status answered). Payloads are checked against
the Slack limits the bot must respect (50 blocks in a message, 100 in a view, 3000 characters in a section,
150 in a header), and rejected with `invalid_blocks` like Slack does, so a test notices an oversized reply.
Like Slack, it downloads each image block's picture when a message is posted and refuses the message when
that fails.
`response_url(name)` gives a URL the stand-in accepts like Slack's response URLs; posts to it are recorded
as calls to the method `response:<name>`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from bot.delivery.pacing import PublishedLimits
from tests.stand_ins.rate_limits import Enforcer

MESSAGE_METHODS = {"chat.postMessage": 50, "chat.update": 50, "chat.postEphemeral": 50}
VIEW_METHODS = {"views.open": 100, "views.publish": 100, "views.update": 100}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    connection: int = 0  # the caller's port: calls over one kept-alive connection share it

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return _blocks(self.params)

    def text(self) -> str:
        """Every text in the call's blocks, for assertions about what a person would read."""
        return json.dumps(self.blocks, ensure_ascii=False)


def block_problem(blocks: list[dict[str, Any]], max_blocks: int) -> str | None:
    if len(blocks) > max_blocks:
        return f"{len(blocks)} blocks > {max_blocks}"
    for block in blocks:
        text = (block.get("text") or {}).get("text", "")
        if block.get("type") == "header" and len(text) > 150:
            return "header text > 150"
        if len(text) > 3000:
            return "section text > 3000"
        if block.get("type") == "image" and not (block.get("image_url") and 0 < len(block.get("alt_text", "")) <= 2000):
            return "image block without image_url or with alt_text not 1-2000 characters"
    return None


def image_problem(blocks: list[dict[str, Any]]) -> str | None:
    for block in blocks:
        if block.get("type") != "image":
            continue
        try:
            response = httpx.get(block["image_url"], timeout=5)
        except httpx.HTTPError:
            return "downloading image failed"
        if response.status_code != 200 or not response.headers.get("content-type", "").startswith("image/"):
            return "downloading image failed"
    return None


class SlackApiStandIn:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, str] = {}  # Slack user id → email
        self.channel_members: dict[str, list[str]] = {}
        self.socket_url: str | None = None  # what apps.connections.open hands out (tests/stand_ins/slack_socket.py)
        self._failures: list[tuple[int, float | None]] = []
        self._lock = threading.Condition()
        self._ts = 1_700_000_000
        self._server: ThreadingHTTPServer | None = None
        self.enforcer: Enforcer | None = None
        self.keep_calls = True

    # -- control -------------------------------------------------------------------------------------------
    def start(self) -> SlackApiStandIn:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """The Web API base URL (SLACK_API_BASE_URL)."""
        return f"{self.base}/api/"

    def response_url(self, name: str = "default") -> str:
        return f"{self.base}/respond/{name}"

    def add_user(self, user_id: str, email: str) -> None:
        self.users[user_id] = email

    def set_channel_members(self, channel: str, members: list[str]) -> None:
        """Who conversations.members lists for the channel; unset, a channel holds every user added and the bot."""
        self.channel_members[channel] = members

    def enforce(self, limits: PublishedLimits, *, keep_calls: bool = True) -> Enforcer:
        """From now on chat.postMessage is refused over `limits` (tests/stand_ins/rate_limits.py).
        `keep_calls=False` stops recording calls, for benchmarks sending tens of thousands."""
        self.enforcer, self.keep_calls = Enforcer(limits), keep_calls
        return self.enforcer

    def fail_next(self, status: int, retry_after: float | None = None) -> None:
        """The next request (any method) is answered with `status`; queue several for several failures."""
        with self._lock:
            self._failures.append((status, retry_after))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The successful calls to `method`, once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                done = [c for c in self.calls if c.method == method and c.status == 200]
                if len(done) >= count or not self._lock.wait(timeout=max(0.0, deadline - time.monotonic())):
                    return done

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- answering -----------------------------------------------------------------------------------------
    def record(
        self, method: str, params: dict[str, Any], connection: int = 0
    ) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        download = image_problem(_blocks(params))  # outside the lock: the picture comes from the bot's server
        with self._lock:
            failure = self._failures.pop(0) if self._failures else self._over_limit(method, params)
            status, headers, body = self._failure(failure) if failure else self._answer(method, params, download)
            if self.keep_calls:
                self.calls.append(Call(method, params, status, connection=connection))
            self._lock.notify_all()
        return status, headers, body

    def _over_limit(self, method: str, params: dict[str, Any]) -> tuple[int, float | None] | None:
        if self.enforcer is None or method != "chat.postMessage":
            return None
        retry_after = self.enforcer.admit(str(params.get("channel")), _blocks(params) or params.get("text"))
        return None if retry_after is None else (429, retry_after)

    @staticmethod
    def _failure(failure: tuple[int, float | None]) -> tuple[int, dict[str, str], dict[str, Any]]:
        status, retry_after = failure
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
        return status, headers, {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}

    def _answer(
        self, method: str, params: dict[str, Any], download: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        limit = MESSAGE_METHODS.get(method) or VIEW_METHODS.get(method) or 50
        problem = block_problem(_blocks(params), limit) or download
        if problem:
            return (400 if method.startswith("response:") else 200), {}, {"ok": False, "error": "invalid_blocks",
                                                                          "detail": problem}  # fmt: skip
        if method.startswith("response:"):
            return 200, {}, "ok"
        return 200, {}, self._result(method, params)

    def _result(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "url": "https://example/"}
        if method == "users.info":
            email = self.users.get(str(params.get("user")))
            return {"ok": True, "user": {"id": params["user"], "profile": {"email": email}}} if email else {
                "ok": False, "error": "user_not_found"}  # fmt: skip
        if method == "users.lookupByEmail":
            found = [uid for uid, email in self.users.items() if email.lower() == str(params.get("email")).lower()]
            return {"ok": True, "user": {"id": found[0]}} if found else {"ok": False, "error": "users_not_found"}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url} if self.socket_url else {"ok": False, "error": "not_allowed"}
        if method == "conversations.members":
            members = self.channel_members.get(str(params.get("channel")), ["UBOT", *self.users])
            return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).split(",")[0]}}
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            self._ts += 1
            ts = params.get("ts") or f"{self._ts}.000100"
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message_ts": ts}
        if method in VIEW_METHODS:
            return {"ok": True, "view": {"id": "V1", **(params.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}


def _blocks(params: dict[str, Any]) -> list[dict[str, Any]]:
    return list(params.get("blocks") or (params.get("view") or {}).get("blocks") or [])


def _params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(query))
    if "json" in content_type and body:
        params.update(json.loads(body))
    elif body:
        params.update(parse_qsl(body.decode()))
    for key in ("blocks", "view"):  # form-encoded calls carry these as JSON strings
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


def _handler_for(stand_in: SlackApiStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # connections stay open between calls, as Slack's do
        # Headers and body leave in one write: two small writes on a kept-alive connection wait for the
        # client's delayed ACK (Nagle), 40 ms that Slack's servers do not add.
        wbufsize = -1

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            params = _params(parts.query, body, self.headers.get("Content-Type", ""))
            if parts.path.startswith("/respond/"):
                method = "response:" + parts.path.removeprefix("/respond/")
            else:
                method = parts.path.removeprefix("/api/")
            status, headers, answer = stand_in.record(method, params, connection=self.client_address[1])
            payload = answer if isinstance(answer, str) else json.dumps(answer)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain" if isinstance(answer, str) else "application/json")
            self.send_header("Content-Length", str(len(payload.encode())))
            self.end_headers()
            self.wfile.write(payload.encode())

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `calls` instead
            return

    return Handler


@contextmanager
def running() -> Iterator[SlackApiStandIn]:
    stand_in = SlackApiStandIn().start()
    try:
        yield stand_in
    finally:
        stand_in.stop()
