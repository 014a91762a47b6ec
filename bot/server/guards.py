"""What every response gets and every request is held to, whichever surface answers it: security headers
(the dashboard must not be framed, sniffed or leak its signed addresses in a Referer) and a limit on the
size of a request body (Slack, Teams and the dashboard never send more than a few kilobytes; an endless body
would otherwise be read into memory, and Bolt would log it)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1_000_000
SECURITY_HEADERS = {
    # Server-rendered pages with inline styles only: no scripts, no framing, nothing fetched from elsewhere.
    "content-security-policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    # Signed links carry their signature in the query: never pass it on to another site.
    "referrer-policy": "no-referrer",
}
TOO_LARGE = b"Request body too large (the limit is 1 MB)."


class BodyTooLarge(Exception):
    pass


class Guards:
    def __init__(self, app: ASGIApp, *, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_body:
            await _refuse(send, 413 if declared.isdigit() else 400)
            return
        started = False
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:  # a chunked body has no Content-Length to check first
                    raise BodyTooLarge
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, counted_receive, secured_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, 413)


async def _refuse(send: Send, status: int) -> None:
    body = TOO_LARGE if status == 413 else b"Malformed Content-Length."
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
