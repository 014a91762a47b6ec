"""The Teams surface: POST /api/messages in the shared server, and the chat port for proactive sends.
Both are absent when Teams is not configured (no TEAMS_CLIENT_ID)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.api import ConversationUpdateActivity, InvokeResponse
from microsoft_teams.api.activities.invoke.adaptive_card import AdaptiveCardInvokeActivity
from microsoft_teams.api.activities.message.message import MessageActivity
from microsoft_teams.apps import ActivityContext, App
from starlette.routing import BaseRoute, Route

from bot.runtime import Runtime
from bot.teams.adapter import StarletteAdapter
from bot.teams.install import on_conversation_update, on_installation_update
from bot.teams.invokes import on_card_action
from bot.teams.messages import on_message
from bot.teams.port import TeamsChatPort
from bot.teams.sdk import MESSAGING_ENDPOINT, build_sdk_app, new_connector
from bot.teams.turn import TeamsBot


def routes(runtime: Runtime) -> list[BaseRoute]:
    settings = runtime.settings
    if not settings.teams_configured:
        return []
    adapter = StarletteAdapter(initialize=lambda: app.initialize())
    app = build_sdk_app(settings, adapter)
    _register_handlers(app, TeamsBot(runtime, new_connector(settings, app.token_provider)))
    return [Route(MESSAGING_ENDPOINT, adapter.endpoint, methods=["POST"])]


def chat_port(runtime: Runtime) -> TeamsChatPort | None:
    settings = runtime.settings
    if not settings.teams_configured:
        return None
    app = build_sdk_app(settings)
    return TeamsChatPort(runtime, lambda: new_connector(settings, app.token_provider))


def _register_handlers(app: App, bot: TeamsBot) -> None:
    async def message(ctx: ActivityContext[MessageActivity]) -> None:
        await on_message(bot, ctx.activity)

    async def conversation_update(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        await on_conversation_update(bot, ctx.activity)

    async def installation_update(ctx: ActivityContext[Any]) -> None:
        await on_installation_update(bot, ctx.activity)

    async def card_action(ctx: ActivityContext[AdaptiveCardInvokeActivity]) -> InvokeResponse[Any]:
        return await on_card_action(bot, ctx.activity)

    app.on_message(message)
    app.on_conversation_update(conversation_update)
    app.on_installation_update(installation_update)
    app.on_card_action(card_action)
