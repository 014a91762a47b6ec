"""Replies posted to a `response_url` (bot/slack/responses.py) against real sockets: a kept connection the
other end has closed is replaced, a proxy named in the environment is tunnelled through, NO_PROXY is kept."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.slack import responses
from bot.slack.responses import Origin, Responder, proxy_for
from tests.stand_ins.slack_api import running


class OneRequestPerConnection(socketserver.StreamRequestHandler):
    """Answers one request as HTTP/1.1 (so the client keeps the connection), then hangs up."""

    def handle(self) -> None:
        length = 0
        while (header := self.rfile.readline()) not in (b"\r\n", b""):
            if header.lower().startswith(b"content-length:"):
                length = int(header.split(b":")[1])
        self.server.bodies.append(self.rfile.read(length))  # type: ignore[attr-defined]
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


class ConnectProxy(socketserver.StreamRequestHandler):
    """A forward proxy that only tunnels (CONNECT), recording where to."""

    def handle(self) -> None:
        target = self.rfile.readline().split()[1].decode()
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        self.server.tunnels.append(target)  # type: ignore[attr-defined]
        host, port = target.rsplit(":", 1)
        with socket.create_connection((host, int(port))) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            threading.Thread(target=_pipe, args=(upstream, self.connection), daemon=True).start()
            _pipe(self.connection, upstream)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        return


@contextmanager
def serving(handler: type[socketserver.BaseRequestHandler]) -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.bodies, server.tunnels = [], []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("noticed", [True, False], ids=["noticed-before-sending", "found-by-sending"])
def test_a_kept_connection_closed_by_the_other_end_is_replaced(monkeypatch: pytest.MonkeyPatch, noticed: bool) -> None:
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    if not noticed:  # closed between the check and the request: the request fails and goes on a new connection
        monkeypatch.setattr(responses, "_readable", lambda _connection: False)
    respond = Responder()
    with serving(OneRequestPerConnection) as server:
        port = server.server_address[1]
        for n in range(3):
            respond(f"http://127.0.0.1:{port}/respond/{n}", text=f"reply {n}")
        assert server.bodies == [b'{"text": "reply 0"}', b'{"text": "reply 1"}', b'{"text": "reply 2"}']  # type: ignore[attr-defined]


def test_replies_go_through_the_proxy_the_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    with running() as slack, serving(ConnectProxy) as proxy:
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.server_address[1]}")
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        respond = Responder()
        respond(slack.response_url("proxied"), text="through the proxy")
        respond(slack.response_url("proxied"), text="and again")
        replies = slack.wait_for("response:proxied", 2)
        assert [reply.params["text"] for reply in replies] == ["through the proxy", "and again"]
        assert proxy.tunnels == [f"127.0.0.1:{slack.base.rsplit(':', 1)[1]}"]  # type: ignore[attr-defined]


def test_no_proxy_exempts_a_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "proxy.example:3128")
    monkeypatch.setenv("no_proxy", "internal.example")
    assert proxy_for(Origin("https", "hooks.slack.com", 443)) == Origin("http", "proxy.example", 3128)
    assert proxy_for(Origin("https", "hooks.internal.example", 443)) is None
    monkeypatch.delenv("https_proxy")
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    assert proxy_for(Origin("https", "hooks.slack.com", 443)) is None
