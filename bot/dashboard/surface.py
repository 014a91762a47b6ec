"""The web dashboard as a surface of the one ASGI app: routes when DASHBOARD_ENABLED, never a chat port."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.dashboard.access import DOWNLOAD, PICTURE, DashboardSettingsError, secret_problem
from bot.dashboard.downloads import download
from bot.dashboard.pages import DashboardPages
from bot.delivery.port import ChatPort
from bot.runtime import Runtime


class DashboardSurface:
    def routes(self, runtime: Runtime) -> list[BaseRoute]:
        settings = runtime.settings
        if not settings.dashboard_enabled:
            return []
        problem = secret_problem(settings.dashboard_secret)
        if problem or not settings.dashboard_secret:
            raise DashboardSettingsError(problem)
        pages = DashboardPages(runtime, settings.dashboard_secret)
        return [
            Route("/dashboard/enter", pages.enter),
            Route("/dashboard", pages.guarded(pages.home)),
            Route("/dashboard/tiles.png", pages.guarded(pages.tiles_picture, signed=PICTURE)),
            Route("/dashboard/org/{code}", pages.guarded(pages.organisation)),
            Route("/dashboard/org/{code}/service/{key}", pages.guarded(pages.service)),
            Route("/dashboard/org/{code}/export/{what}.{fmt}", pages.guarded(download(runtime.clock), signed=DOWNLOAD)),
        ]

    def chat_port(self, runtime: Runtime) -> ChatPort | None:
        return None


dashboard = DashboardSurface()
