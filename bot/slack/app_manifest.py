"""The Slack app manifest ready to paste: `slack/manifest.yaml` with every URL pointing at this server and,
on request, Socket Mode switched on. The file's opening comment (how to fill it in by hand) is left out."""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import urlsplit

PLACEHOLDER_URL = "https://bot.example.org"


class ManifestUrlError(ValueError):
    pass


def slack_manifest(url: str, *, socket_mode: bool = False) -> str:
    base = _base_url(url)
    text = files("milestones_slack_app").joinpath("manifest.yaml").read_text(encoding="utf-8")
    body = _without_opening_comment(text)
    if PLACEHOLDER_URL not in body:
        raise ManifestUrlError(f"slack/manifest.yaml no longer holds {PLACEHOLDER_URL} to replace")
    body = body.replace(PLACEHOLDER_URL, base)
    if socket_mode:
        body = body.replace("socket_mode_enabled: false", "socket_mode_enabled: true")
    return body


def _base_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ManifestUrlError(f"--url {url!r} is not an https address, e.g. https://bot.nhs.wales")
    return f"https://{parts.netloc}{parts.path}".rstrip("/")


def _without_opening_comment(text: str) -> str:
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return "".join(lines[first:])
