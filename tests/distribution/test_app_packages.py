"""`milestones-bot teams package` and `slack manifest`: what they write is valid for the platform, filled in
for this server, and an operator's mistake is one line, not a package with a placeholder left in it."""

from __future__ import annotations

import json
import shutil
import zipfile
from importlib.resources import files
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft4Validator
from PIL import Image

from bot.cli import main
from bot.teams.app_package import AppPackageError, app_identity, package_contents

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "teams-schema"
CLIENT_ID = "0b9f3a52-7c1d-4e8a-9f00-5d2c6b7a8e41"
APP_ID = "5f0e8a7c-2d4b-4c1e-8b3a-9e6f1d2c3b4a"


def assert_valid(document: dict[str, Any]) -> None:
    """Against the vendored copy of the schema the document names in `$schema` (same folder and file name)."""
    version, name = document["$schema"].split("/")[-2:]
    schema = json.loads((SCHEMAS / version / name).read_text())
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)] == []


def test_the_package_holds_a_valid_manifest_filled_for_this_server(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "milestones-teams.zip"
    assert main(["teams", "package", "--host", "bot.nhs.wales", "--client-id", CLIENT_ID, "--app-id", APP_ID,
                 "--out", str(out)]) == 0  # fmt: skip
    assert f"app id {APP_ID}" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["manifest.json", "color.png", "outline.png", "cy.json"]
        manifest = json.loads(archive.read("manifest.json"))
        assert_valid(json.loads(archive.read("cy.json")))  # the Welsh the manifest lists (teams/cy.json)
        icons = {name: Image.open(BytesIO(archive.read(name))).size for name in ("color.png", "outline.png")}
    assert_valid(manifest)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == CLIENT_ID
    assert manifest["validDomains"] == ["bot.nhs.wales"]
    assert manifest["developer"]["privacyUrl"] == "https://bot.nhs.wales/privacy"
    assert "${{" not in json.dumps(manifest)
    assert icons == {"color.png": (192, 192), "outline.png": (32, 32)}  # the sizes Teams requires


def test_without_an_app_id_rebuilding_gives_the_same_app() -> None:
    first = app_identity(host="https://bot.nhs.wales/", client_id=CLIENT_ID, app_id=None)
    again = app_identity(host="bot.nhs.wales", client_id=CLIENT_ID, app_id=None)
    assert first == again and first.app_id != CLIENT_ID and first.host == "bot.nhs.wales"


def test_language_files_the_manifest_lists_travel_in_the_package(tmp_path: Path) -> None:
    source = tmp_path / "teams"
    shutil.copytree(Path(str(files("milestones_teams_app"))), source, ignore=shutil.ignore_patterns("*.py"))
    manifest = json.loads((source / "manifest.json").read_text())
    manifest["localizationInfo"] = {"defaultLanguageTag": "en-gb",
                                    "additionalLanguages": [{"languageTag": "cy", "file": "cy.json"}]}  # fmt: skip
    (source / "manifest.json").write_text(json.dumps(manifest))
    welsh = {"$schema": "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.Localization.schema.json",
             "name.short": "Cerrig milltir", "name.full": "Cerrig milltir: cynlluniau ac uwchgyfeirio",
             "description.short": "Cynlluniau ac adrodd uwchgyfeirio dyddiol.",
             "description.full": "Gofynnwch beth sy'n hwyr. Dangosfwrdd: https://${{BOT_DOMAIN}}"}  # fmt: skip
    (source / "cy.json").write_text(json.dumps(welsh))

    contents = package_contents(app_identity(host="bot.nhs.wales", client_id=CLIENT_ID, app_id=None), source)
    assert list(contents) == ["manifest.json", "color.png", "outline.png", "cy.json"]
    packaged = json.loads(contents["manifest.json"])
    assert_valid(packaged)
    packaged_welsh = json.loads(contents["cy.json"])
    assert packaged_welsh["description.full"].endswith("Dangosfwrdd: https://bot.nhs.wales")
    assert_valid(packaged_welsh)

    (source / "cy.json").unlink()
    with pytest.raises(AppPackageError, match=r"manifest\.json names cy\.json"):
        package_contents(app_identity(host="bot.nhs.wales", client_id=CLIENT_ID, app_id=None), source)


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--host", "bot.nhs.wales/teams", "--client-id", CLIENT_ID], "is not a host name"),
        (["--host", "bot.nhs.wales", "--client-id", "my-bot"], "the client id 'my-bot' is not a GUID"),
        (["--host", "bot.nhs.wales", "--client-id", CLIENT_ID, "--app-id", "42"], "--app-id '42' is not a GUID"),
        (["--host", "bot.nhs.wales"], "set TEAMS_CLIENT_ID or pass --client-id"),
    ],
)
def test_mistakes_write_nothing_and_say_why(tmp_path: Path, capsys, monkeypatch, arguments, says) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TEAMS_CLIENT_ID", raising=False)
    out = tmp_path / "app.zip"
    assert main(["teams", "package", *arguments, "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("No package written: ") and says in error and error.count("\n") == 1
    assert not out.exists()


def test_the_slack_manifest_points_every_url_at_this_server(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["slack", "manifest", "--url", "https://bot.nhs.wales/"]) == 0
    printed = capsys.readouterr().out
    manifest = yaml.safe_load(printed)
    urls = [command["url"] for command in manifest["features"]["slash_commands"]]
    urls += [
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    ]
    assert urls == ["https://bot.nhs.wales/slack/events"] * 4
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert not printed.startswith("#") and "example.org" not in printed

    assert main(["slack", "manifest", "--url", "https://bot.nhs.wales", "--socket-mode"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["settings"]["socket_mode_enabled"] is True


def test_the_slack_manifest_needs_an_https_address(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["slack", "manifest", "--url", "http://bot.nhs.wales"]) == 2
    assert "is not an https address" in capsys.readouterr().err
