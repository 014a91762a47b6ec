"""The Teams SDK app built from our settings. It validates the Bot Framework JWT on every activity; the only
way to turn that off is TEAMS_ALLOW_UNAUTHENTICATED, which is refused unless the connector is a local stand-in,
so a misconfigured production server cannot accept forged activities."""

from __future__ import annotations

from urllib.parse import urlsplit

import jwt
from microsoft_teams.api.auth.credentials import TokenProviderProtocol
from microsoft_teams.apps import App

from bot.config import Settings
from bot.teams.adapter import StarletteAdapter
from bot.teams.connector import RetryPolicy, TeamsConnector

MESSAGING_ENDPOINT = "/api/messages"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Offline trials need an app id for the SDK to send with; it never reaches Microsoft.
OFFLINE_CLIENT_ID = "00000000-0000-0000-0000-000000000000"


class TeamsMisconfigured(ValueError):
    pass


def check_settings(settings: Settings) -> None:
    if not settings.teams_allow_unauthenticated:
        return
    host = urlsplit(settings.teams_connector_base_url or "").hostname
    if host not in LOCAL_HOSTS:
        raise TeamsMisconfigured(
            "TEAMS_ALLOW_UNAUTHENTICATED=true is only accepted together with a TEAMS_CONNECTOR_BASE_URL on "
            f"localhost (a stand-in connector); it is {settings.teams_connector_base_url!r}. Unset it in production."
        )


def build_sdk_app(settings: Settings, adapter: StarletteAdapter | None = None) -> App:
    check_settings(settings)
    if settings.teams_allow_unauthenticated:
        return App(client_id=settings.teams_client_id or OFFLINE_CLIENT_ID, tenant_id=settings.teams_tenant_id,
                   token=_offline_token, dangerously_allow_unauthenticated_requests=True,
                   http_server_adapter=adapter, messaging_endpoint=MESSAGING_ENDPOINT)  # fmt: skip
    return App(client_id=settings.teams_client_id, client_secret=settings.teams_client_secret,
               tenant_id=settings.teams_tenant_id, dangerously_allow_unauthenticated_requests=False,
               http_server_adapter=adapter, messaging_endpoint=MESSAGING_ENDPOINT)  # fmt: skip


def new_connector(settings: Settings, token_provider: TokenProviderProtocol) -> TeamsConnector:
    return TeamsConnector(service_url_override=settings.teams_connector_base_url, token_provider=token_provider,
                          policy=RetryPolicy.from_settings(settings))  # fmt: skip


def _offline_token(scope: str | list[str], tenant_id: str | None) -> str:
    """A well-formed but unsigned-for-anyone JWT: the SDK parses tokens; the stand-in ignores them."""
    claims = {"aud": "https://api.botframework.com", "iss": "milestones-bot offline", "exp": 4102444800}
    return jwt.encode(claims, "offline stand-in only: this key never leaves the machine", algorithm="HS256")
