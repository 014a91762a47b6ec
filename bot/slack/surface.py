"""The Slack surface as the server sees it: its HTTP route and its chat port, when Slack is configured.

One bolt App per runtime, shared by the HTTP route and Socket Mode, so both run the same listeners."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.clock import london_today
from bot.runtime import Runtime
from bot.server.log_records import bolt_logger
from bot.slack.client import web_client
from bot.slack.listeners import register
from bot.slack.port import SlackChatPort
from bot.slack.request_checks import BAD_BODY, first_sight, malformed_headers, replay_changes_nothing

EVENTS_PATH = "/slack/events"


class SlackSurface:
    def __init__(self) -> None:
        self._apps: dict[int, tuple[Runtime, App]] = {}

    def app(self, runtime: Runtime) -> App:
        """The bolt App for this runtime; built once (building it checks the token with auth.test)."""
        if id(runtime) not in self._apps:
            settings = runtime.settings
            app = App(name="milestones-bot", client=web_client(settings), signing_secret=settings.slack_signing_secret,
                      request_verification_enabled=settings.slack_signing_secret is not None,
                      logger=bolt_logger())  # fmt: skip
            register(app, runtime)
            self._apps[id(runtime)] = (runtime, app)
        return self._apps[id(runtime)][1]

    def routes(self, runtime: Runtime) -> list[BaseRoute]:
        settings = runtime.settings
        # Without the signing secret, requests cannot be verified: no HTTP route at all (Socket Mode still can).
        if not settings.slack_bot_token or not settings.slack_signing_secret:
            return []
        app = self.app(runtime)

        secret = settings.slack_signing_secret

        def checked_dispatch(request: Request, body: bytes) -> Response:
            try:
                bolt_request = to_bolt_request(request, body)
            except (ValueError, AttributeError, TypeError):
                # Bolt reads the body as it builds the request: a `payload=` that is not JSON raises ValueError,
                # JSON that is not an object (`null`, `[1]`) fails on the first lookup in it.
                return BAD_BODY
            harmless = replay_changes_nothing(bolt_request.body, today=london_today(runtime.clock))
            now = runtime.clock.now()
            if not harmless and not first_sight(runtime.database, secret, request.headers, body, now=now):
                return Response(status_code=200)  # a replayed copy: acknowledged, not applied again
            return to_starlette_response(app.dispatch(bolt_request))

        async def slack_events(request: Request) -> Response:
            refused = malformed_headers(request.headers)
            if refused is not None:
                return refused
            body = await request.body()
            # Bolt is synchronous and waits for ack(); running it off the event loop keeps the server responsive.
            return await run_in_threadpool(checked_dispatch, request, body)

        return [Route(EVENTS_PATH, slack_events, methods=["POST"])]

    def chat_port(self, runtime: Runtime) -> SlackChatPort | None:
        if not runtime.settings.slack_bot_token:
            return None
        return SlackChatPort(web_client(runtime.settings))


slack = SlackSurface()
