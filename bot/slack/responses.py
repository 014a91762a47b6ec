"""Replies to a slash command or a click, posted to the `response_url` Slack sent with it. Bolt's `respond()`
opens a new connection (TCP and TLS) for every reply; here connections to each host are kept open and
reused, so a reply costs one request. The standard library's http.client, not httpx: httpx's request
machinery cost twice as much per reply (bench/slack_overdue.py). A proxy in the environment (HTTPS_PROXY,
NO_PROXY, as Bolt's `respond()` reads them) is tunnelled through with CONNECT."""

from __future__ import annotations

import json
import logging
import select
from http.client import HTTPConnection, HTTPException, HTTPSConnection, RemoteDisconnected
from threading import Lock
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit
from urllib.request import getproxies, proxy_bypass

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Connection failures only (the request never reached Slack), as bolt's respond() retries them.
CONNECT_RETRIES = 1
HEADERS = {"Content-Type": "application/json; charset=utf-8"}
# What a kept connection the other end has closed meanwhile fails with: the request is sent again on a new one.
CLOSED_MEANWHILE = (RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Origin(NamedTuple):
    scheme: str
    host: str
    port: int


class Responder:
    def __init__(self) -> None:
        self._idle: dict[Origin, list[HTTPConnection]] = {}
        self._lock = Lock()

    def __call__(self, response_url: str | None, **message: Any) -> None:
        """Posts the message; a failure is logged (the request is already acknowledged, and the work done)."""
        if response_url is None:
            log.warning("no response_url to reply to")
            return
        try:
            status, text = self._post(response_url, json.dumps(message).encode())
        except (OSError, HTTPException, ValueError) as problem:  # ValueError: not an http(s) URL
            log.warning("could not reach the response_url: %s", type(problem).__name__)
            return
        if status >= 400:
            log.warning("the response_url refused the reply: %s %s", status, text[:200])

    def _post(self, url: str, body: bytes) -> tuple[int, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(url)
        origin = Origin(parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection = self._kept(origin)
        if connection is not None:
            try:
                return self._exchange(origin, connection, target, body)
            except CLOSED_MEANWHILE:
                pass
        return self._exchange(origin, _connected(origin), target, body)

    def _exchange(self, origin: Origin, connection: HTTPConnection, target: str, body: bytes) -> tuple[int, str]:
        try:
            connection.request("POST", target, body=body, headers=HEADERS)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            with self._lock:
                self._idle.setdefault(origin, []).append(connection)
        return response.status, text

    def _kept(self, origin: Origin) -> HTTPConnection | None:
        """An idle connection to `origin` still open at the other end, if there is one."""
        while True:
            with self._lock:
                idle = self._idle.get(origin)
                if not idle:
                    return None
                connection = idle.pop()
            if connection.sock is not None and not _readable(connection):
                return connection
            connection.close()  # an idle connection with something to read has been closed (or broken) by the other end


def _readable(connection: HTTPConnection) -> bool:
    poller = select.poll()
    poller.register(connection.sock, select.POLLIN)
    return bool(poller.poll(0))


def _connected(origin: Origin) -> HTTPConnection:
    """A new connection to `origin` (through the environment's proxy for it), tried CONNECT_RETRIES more times
    when it cannot be made."""
    retries = CONNECT_RETRIES
    while True:
        connection = _connection(origin)
        try:
            connection.connect()
            return connection
        except OSError:
            connection.close()
            if retries == 0:
                raise
            retries -= 1


def _connection(origin: Origin) -> HTTPConnection:
    kind = HTTPSConnection if origin.scheme == "https" else HTTPConnection
    proxy = proxy_for(origin)
    if proxy is None:
        return kind(origin.host, origin.port, timeout=TIMEOUT_SECONDS)
    connection = kind(proxy.host, proxy.port, timeout=TIMEOUT_SECONDS)
    connection.set_tunnel(origin.host, origin.port)
    return connection


def proxy_for(origin: Origin) -> Origin | None:
    """The proxy the environment names for this origin's scheme, unless NO_PROXY exempts its host (spoken to
    in plain HTTP whatever its URL's scheme: http.client tunnels through a proxy, not TLS to it)."""
    proxy = getproxies().get(origin.scheme)
    if not proxy or proxy_bypass(origin.host):
        return None
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if not parts.hostname:
        return None
    return Origin(parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
