"""The one ASGI application `milestones-bot serve` runs. Each surface contributes its routes when it is
configured; adding a platform means adding it to SURFACES. This module composes the surfaces: they import
the Runtime from bot/runtime.py, never this module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from bot.config import Settings
from bot.delivery.port import ChatPort
from bot.runtime import Runtime
from bot.server.guards import Guards
from bot.server.health import healthz, readyz

if TYPE_CHECKING:  # the scheduler is imported only when enabled (see scheduler_lifespan)
    from scheduler.service import SchedulerService


class Surface(Protocol):
    def routes(self, runtime: Runtime) -> list[BaseRoute]:
        """The surface's HTTP routes, or none when it is not configured."""
        ...

    def chat_port(self, runtime: Runtime) -> ChatPort | None:
        """How the scheduler reaches people on this platform, or None when it is not configured."""
        ...


# Each surface's module is imported only when its settings turn it on: importing the Teams SDK alone costs
# about 3 s and 88 MB, which a Slack-only server (or `milestones-bot say`) should not pay.
def _slack() -> Surface:
    from bot.slack.surface import slack

    return slack


def _teams() -> Surface:
    from bot.teams import surface as teams

    return teams


def _dashboard() -> Surface:
    from bot.dashboard.surface import dashboard

    return dashboard


@dataclass(frozen=True)
class SurfaceEntry:
    configured: Callable[[Settings], bool]
    load: Callable[[], Surface]


SURFACES: tuple[SurfaceEntry, ...] = (
    SurfaceEntry(lambda settings: settings.slack_configured, _slack),
    SurfaceEntry(lambda settings: settings.teams_configured, _teams),
    SurfaceEntry(lambda settings: settings.dashboard_enabled, _dashboard),
)


def configured_surfaces(settings: Settings) -> list[Surface]:
    return [entry.load() for entry in SURFACES if entry.configured(settings)]


def chat_ports(runtime: Runtime) -> list[ChatPort]:
    surfaces = configured_surfaces(runtime.settings)
    return [port for surface in surfaces if (port := surface.chat_port(runtime)) is not None]


@asynccontextmanager
async def scheduler_lifespan(app: Starlette) -> AsyncIterator[None]:
    """Starts the scheduler (decides, when this process leads) and the outbox sender with the server."""
    runtime: Runtime = app.state.runtime
    if not runtime.settings.scheduler_enabled:
        yield
        return
    from scheduler.service import SchedulerService  # APScheduler and the holiday calendars: only when enabled

    service = SchedulerService(runtime.database, runtime.clock, runtime.settings, chat_ports(runtime))
    app.state.scheduler = service
    service.start()
    try:
        yield
    finally:
        service.stop()


def build_app(runtime: Runtime) -> Starlette:
    routes: list[BaseRoute] = [Route("/healthz", healthz), Route("/readyz", readyz)]
    if runtime.settings.metrics_enabled:
        # Imported here: prometheus-client is for the server only, not every command-line run that imports this.
        from bot.server.metrics import AppMetrics

        metrics = AppMetrics(runtime.database, runtime.clock, leader_held=lambda: _leads(app))
        runtime = replace(runtime, command_observer=metrics)
        routes.append(Route("/metrics", metrics.endpoint))
    for surface in configured_surfaces(runtime.settings):
        routes.extend(surface.routes(runtime))
    app = Starlette(routes=routes, lifespan=scheduler_lifespan, middleware=[Middleware(Guards)])
    app.state.runtime = runtime
    app.state.scheduler = None
    return app


def _leads(app: Starlette) -> bool:
    service: SchedulerService | None = app.state.scheduler
    return service is not None and service.is_leader
