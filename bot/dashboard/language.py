"""Which language a dashboard page is in: `?lang=cy` (a link from a Welsh digest, or the switch in the page
header) wins and is remembered in a cookie; then that cookie; then the browser's Accept-Language; else English."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from bot.i18n import Language, is_language, speaking

LANGUAGE_COOKIE = "milestones_lang"
ONE_YEAR = 365 * 24 * 3600


def request_language(request: Request) -> Language:
    asked = request.query_params.get("lang")
    if is_language(asked):
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if is_language(remembered):
        return remembered
    return browser_language(request.headers.get("accept-language", ""))


def browser_language(header: str) -> Language:
    """Welsh when the browser ranks Welsh (`cy`, `cy-GB`) above English, English otherwise."""
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            ranked.append((float(quality), tag.strip().lower().split("-")[0]))
        except ValueError:
            continue
    for _quality, language in sorted(ranked, key=lambda r: -r[0]):
        if is_language(language):
            return language
    return "en"


def in_request_language(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Runs a page handler in the viewer's language, and remembers a language chosen with `?lang=`."""

    def wrapped(request: Request) -> Response:
        language = request_language(request)
        with speaking(language):
            response = handler(request)
        if request.query_params.get("lang") == language:
            response.set_cookie(LANGUAGE_COOKIE, language, max_age=ONE_YEAR, samesite="lax")
        return response

    return wrapped
