"""A local stand-in for the Bot Connector (the service Teams bots call to post, reply and update messages).

It is a real HTTP server on a free localhost port. It records every call the bot makes, answers with ids the
way the connector does, knows a few conversation members (for email look-ups), and can be told to answer the
next calls with a failure (429 with Retry-After, 502, 403…) to exercise the bot's retry policy."""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from bot.delivery.pacing import PublishedLimits
from tests.stand_ins.rate_limits import Enforcer

_ACTIVITIES = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/activities(?:/(?P<activity>[^/]+))?$")
_MEMBERS = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/members/?$")
_MEMBER = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/members/(?P<member>[^/]+)$")


@dataclass
class Call:
    method: str
    path: str
    conversation: str | None
    activity_id: str | None
    body: dict[str, Any]

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card the bot sent in this call."""
        cards = [a["content"] for a in self.body.get("attachments", [])
                 if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]  # fmt: skip
        assert len(cards) == 1, f"expected one card in {self.body}"
        return cards[0]


@dataclass
class Failure:
    status: int
    retry_after: str | None = None


@dataclass
class ConnectorState:
    calls: list[Call] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Who a channel or group chat lists (user ids); unset, a conversation holds every member added.
    conversation_members: dict[str, list[str]] = field(default_factory=dict)
    failures: deque[Failure] = field(default_factory=deque)
    enforcer: Enforcer | None = None  # posts refused over the published limits when set
    keep_calls: bool = True
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"


class StandInConnector:
    def __init__(self) -> None:
        self.state = ConnectorState()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self.state))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandInConnector:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_member(self, user_id: str, *, email: str, aad_object_id: str, name: str = "") -> None:
        self.state.members[user_id] = {"id": user_id, "aadObjectId": aad_object_id, "email": email,
                                       "userPrincipalName": email, "name": name}  # fmt: skip

    def set_conversation_members(self, conversation_id: str, user_ids: list[str]) -> None:
        self.state.conversation_members[conversation_id] = user_ids

    def enforce(self, limits: PublishedLimits, *, keep_calls: bool = True) -> Enforcer:
        """From now on posted messages are refused over `limits` (tests/stand_ins/rate_limits.py).
        `keep_calls=False` stops recording calls, for benchmarks sending tens of thousands."""
        self.state.enforcer, self.state.keep_calls = Enforcer(limits), keep_calls
        return self.state.enforcer

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        for _ in range(times):
            self.state.failures.append(Failure(status, retry_after))

    @property
    def calls(self) -> list[Call]:
        with self.state.lock:
            return list(self.state.calls)

    def sent(self, method: str = "POST") -> list[Call]:
        """Messages posted or updated (not member look-ups)."""
        return [c for c in self.calls if c.method == method and "/activities" in c.path]


def _handler_for(state: ConnectorState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PUT(self) -> None:
            self._handle("PUT")

        def do_GET(self) -> None:
            self._handle("GET")

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            path = unquote(self.path)
            with state.lock:
                failure = state.failures.popleft() if state.failures else _over_limit(state, method, path, body)
                if failure is None:
                    status, answer = _answer(state, method, path, body)
                else:
                    status, answer = failure.status, {"error": {"code": "Throttled", "message": "stand-in failure"}}
            self._reply(status, answer, failure.retry_after if failure else None)

        def _reply(self, status: int, answer: Any, retry_after: str | None) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _over_limit(state: ConnectorState, method: str, path: str, body: dict[str, Any]) -> Failure | None:
    activities = _ACTIVITIES.match(path)
    if state.enforcer is None or method != "POST" or activities is None:
        return None
    retry_after = state.enforcer.admit(activities["conversation"], body.get("attachments") or body.get("text"))
    return None if retry_after is None else Failure(429, str(int(retry_after)))


def _keep(state: ConnectorState, call: Call) -> None:
    if state.keep_calls:
        state.calls.append(call)


def _answer(state: ConnectorState, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    if method == "POST" and path == "/v3/conversations":
        conversation = state.next_id("a:personal-")
        _keep(state, Call(method, path, conversation, None, body))
        return 201, {"id": conversation}
    if method == "GET" and (listed := _MEMBERS.match(path)):
        _keep(state, Call(method, path, listed["conversation"], None, body))
        ids = state.conversation_members.get(listed["conversation"], list(state.members))
        return 200, [state.members.get(i, {"id": i, "aadObjectId": f"aad-{i}", "name": i}) for i in ids]
    if method == "GET" and (member := _MEMBER.match(path)):
        _keep(state, Call(method, path, member["conversation"], None, body))
        found = state.members.get(member["member"])
        return (200, found) if found else (404, {"error": {"code": "MemberNotFound"}})
    activities = _ACTIVITIES.match(path)
    if activities is None:
        return 404, {"error": {"code": "NotFound", "message": path}}
    activity_id = state.next_id("activity-") if method == "POST" else activities["activity"]
    _keep(state, Call(method, path, activities["conversation"], activity_id, body))
    return (200 if method == "PUT" else 201), {"id": activity_id}
