"""The one ASGI application `milestones-bot serve` runs. Each surface contributes its routes when it is
configured; adding a platform means adding its module to SURFACES."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Protocol

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from bot.clock import Clock
from bot.config import Settings
from bot.dashboard.surface import dashboard
from bot.delivery.port import ChatPort
from bot.server.guards import Guards
from bot.server.health import healthz, readyz
from bot.slack.surface import slack
from bot.storage.database import Database
from bot.teams import surface as teams
from commands.context import CommandObserver
from scheduler.service import SchedulerService


@dataclass
class Runtime:
    """What every surface needs: settings, storage and the clock."""

    settings: Settings
    database: Database
    clock: Clock
    # The app's metrics, set by build_app: surfaces hand it to every command they answer.
    command_observer: CommandObserver | None = None


class Surface(Protocol):
    def routes(self, runtime: Runtime) -> list[BaseRoute]:
        """The surface's HTTP routes, or none when it is not configured."""
        ...

    def chat_port(self, runtime: Runtime) -> ChatPort | None:
        """How the scheduler reaches people on this platform, or None when it is not configured."""
        ...


SURFACES: tuple[Surface, ...] = (slack, teams, dashboard)


def chat_ports(runtime: Runtime) -> list[ChatPort]:
    return [port for surface in SURFACES if (port := surface.chat_port(runtime)) is not None]


@asynccontextmanager
async def scheduler_lifespan(app: Starlette) -> AsyncIterator[None]:
    """Starts the scheduler (decides, when this process leads) and the outbox sender with the server."""
    runtime: Runtime = app.state.runtime
    if not runtime.settings.scheduler_enabled:
        yield
        return
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
    for surface in SURFACES:
        routes.extend(surface.routes(runtime))
    app = Starlette(routes=routes, lifespan=scheduler_lifespan, middleware=[Middleware(Guards)])
    app.state.runtime = runtime
    app.state.scheduler = None
    return app


def _leads(app: Starlette) -> bool:
    service: SchedulerService | None = app.state.scheduler
    return service is not None and service.is_leader
