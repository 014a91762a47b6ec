"""The Teams app package: `teams/manifest.json` with its placeholders filled, the icons it names and any
language files its `localizationInfo` lists, zipped flat as Teams expects. Problems an operator can cause
(a host with a path, an id that is not a GUID, a file the manifest names but teams/ lacks) are
AppPackageError with a message, never a half-written package."""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

PLACEHOLDER = re.compile(r"\$\{\{(\w+)\}\}")
HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
# Teams knows an app by its id: deriving it from the bot's client id means a rebuilt package updates the
# app already uploaded instead of adding a second one beside it.
APP_ID_NAMESPACE = uuid.UUID("6f1c2d0e-4a53-4b8e-9a52-0c7b1f2e9d31")


class AppPackageError(ValueError):
    pass


@dataclass(frozen=True)
class AppIdentity:
    host: str
    client_id: str
    app_id: str

    def placeholders(self) -> dict[str, str]:
        return {"BOT_DOMAIN": self.host, "TEAMS_CLIENT_ID": self.client_id, "TEAMS_APP_ID": self.app_id}


def app_identity(*, host: str, client_id: str | None, app_id: str | None) -> AppIdentity:
    bare_host = host.strip().lower().removeprefix("https://").rstrip("/")
    if not HOST_NAME.match(bare_host):
        raise AppPackageError(f"--host {host!r} is not a host name; give the server's public name, e.g. bot.nhs.wales")
    if not client_id:
        raise AppPackageError("the bot's client id is needed: set TEAMS_CLIENT_ID or pass --client-id")
    client = _guid(client_id, "the client id")
    return AppIdentity(
        bare_host, client, _guid(app_id, "--app-id") if app_id else str(uuid.uuid5(APP_ID_NAMESPACE, client))
    )


def _guid(text: str, what: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise AppPackageError(f"{what} {text!r} is not a GUID (like 00000000-0000-0000-0000-000000000000)") from None


def package_contents(identity: AppIdentity, source: Traversable | None = None) -> dict[str, bytes]:
    """Each file of the package by its name in the zip, manifest first."""
    folder = source or files("milestones_teams_app")
    manifest_text = _filled(_read_text(folder, "manifest.json"), identity, "manifest.json")
    manifest: dict[str, Any] = json.loads(manifest_text)
    contents = {"manifest.json": manifest_text.encode()}
    for name in _icons(manifest):
        contents[name] = _read_bytes(folder, name)
    for name in _language_files(manifest):
        contents[name] = _filled(_read_text(folder, name), identity, name).encode()
    return contents


def write_package(contents: dict[str, bytes], out: Path) -> None:
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    partial.replace(out)


def _icons(manifest: dict[str, Any]) -> list[str]:
    icons = manifest.get("icons", {})
    return [icons[kind] for kind in ("color", "outline") if kind in icons]


def _language_files(manifest: dict[str, Any]) -> list[str]:
    localization = manifest.get("localizationInfo", {})
    default = [localization["defaultLanguageFile"]] if "defaultLanguageFile" in localization else []
    return default + [language["file"] for language in localization.get("additionalLanguages", [])]


def _filled(text: str, identity: AppIdentity, name: str) -> str:
    values = identity.placeholders()
    unknown = sorted({match for match in PLACEHOLDER.findall(text) if match not in values})
    if unknown:
        raise AppPackageError(f"{name} has placeholders this command does not fill: {', '.join(unknown)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def _read_bytes(folder: Traversable, name: str) -> bytes:
    item = folder.joinpath(name)
    if not item.is_file():
        raise AppPackageError(f"manifest.json names {name}, which is not among the Teams app files")
    return item.read_bytes()


def _read_text(folder: Traversable, name: str) -> str:
    return _read_bytes(folder, name).decode("utf-8")
