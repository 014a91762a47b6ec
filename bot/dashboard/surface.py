"""The web dashboard as a surface of the one ASGI app: routes when DASHBOARD_ENABLED, never a chat port."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.dashboard.access import DashboardSettingsError, secret_problem
from bot.dashboard.downloads import download
from bot.dashboard.language import in_request_language
from bot.dashboard.pages import DashboardPages
from bot.dashboard.report_pack import report_pack
from bot.delivery.port import ChatPort
from bot.runtime import Runtime
from bot.signed_links import DOWNLOAD, PICTURE


class DashboardSurface:
    def routes(self, runtime: Runtime) -> list[BaseRoute]:
        settings = runtime.settings
        if not settings.dashboard_enabled:
            return []
        problem = secret_problem(settings.dashboard_secret)
        if problem or not settings.dashboard_secret:
            raise DashboardSettingsError(problem)
        pages = DashboardPages(runtime, settings.dashboard_secret)
        handlers = {
            "/dashboard/enter": pages.enter,
            "/dashboard": pages.guarded(pages.home),
            "/dashboard/tiles.png": pages.guarded(pages.tiles_picture, signed=PICTURE),
            "/dashboard/org/{code}": pages.guarded(pages.organisation),
            "/dashboard/org/{code}/service/{key}": pages.guarded(pages.service),
            "/dashboard/org/{code}/export/{what}.{fmt}": pages.guarded(download(runtime.clock), signed=DOWNLOAD),
            "/dashboard/org/{code}/report/{plan}.{fmt}": pages.guarded(report_pack(runtime.clock), signed=DOWNLOAD),
        }
        return [Route(path, in_request_language(handler)) for path, handler in handlers.items()]

    def chat_port(self, runtime: Runtime) -> ChatPort | None:
        return None


dashboard = DashboardSurface()
