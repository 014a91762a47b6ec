"""The baseline for Slack answer times (issue 14): a slack-bolt app whose `/milestones` does nothing but
acknowledge and answer one fixed line through `respond()`, served as the real server serves Slack: a
Starlette route at /slack/events running Bolt in Starlette's thread pool, behind the same guards middleware,
under uvicorn. Whatever the real command costs beyond it is ours."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import Settings
from bot.server.guards import Guards
from bot.slack.client import web_client
from bot.slack.surface import EVENTS_PATH


def build_noop_app(settings: Settings) -> Starlette:
    bolt = App(name="noop", client=web_client(settings), signing_secret=settings.slack_signing_secret)

    @bolt.command("/milestones")
    def answer(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Nothing to report.")

    def dispatch(request: Request, body: bytes) -> Response:
        return to_starlette_response(bolt.dispatch(to_bolt_request(request, body)))

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        return await run_in_threadpool(dispatch, request, body)

    return Starlette(routes=[Route(EVENTS_PATH, slack_events, methods=["POST"])], middleware=[Middleware(Guards)])
