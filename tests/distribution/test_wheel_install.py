"""A plain install works: the wheel is built from a copy of the source, installed into a fresh virtual
environment, and the console script runs there with no DATA_DIR, far from the checkout. Offline: the build
uses this environment's setuptools (no isolation) and the new environment borrows this one's installed
dependencies through a .pth line instead of downloading them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the package build reads (setup.py maps data/, teams/ and slack/ to packages of their own).
SOURCES = ("bot", "commands", "scheduler", "data", "teams", "slack", "pyproject.toml", "setup.py", "README.md")


def copy_sources(into: Path) -> Path:
    into.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, into / name)
    return into


def build_wheel(source: Path, out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    (wheel,) = out.glob("milestones_bot-*.whl")
    return wheel


def fresh_environment(where: Path) -> Path:
    """A venv whose own site-packages comes first, then this environment's (for the dependencies only: the
    .pth line adds a path and does not run this environment's editable-install hooks)."""
    venv.EnvBuilder(with_pip=False).create(where)
    python = where / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    (Path(purelib) / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(copy_sources(work / "source"), work / "dist")
    python = fresh_environment(work / "venv")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--no-deps",
                    "--quiet", str(wheel)], check=True, capture_output=True, timeout=300)  # fmt: skip
    return python.parent


def run(bin_dir: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATA_DIR", "PYTHONPATH")}
    return subprocess.run([str(bin_dir / "milestones-bot"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**clean, "LOG_LEVEL": "WARNING", **env})  # fmt: skip


def test_the_wheel_carries_its_data_and_the_installed_script_runs(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c", "import bot, milestones_data; "
                            "print(bot.__file__); print(milestones_data.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert str(ROOT) not in where and where.count(str(installed.parent)) == 2, where

    database = f"sqlite:///{tmp_path / 'installed.db'}"
    init = run(installed, tmp_path, "init", "--demo", DATABASE_URL=database)
    assert init.returncode == 0, init.stderr
    assert "Plan esr: 17 actions added" in init.stdout
    overdue = run(installed, tmp_path, "say", "overdue plan:esr", "--now", "2021-01-15", DATABASE_URL=database)
    assert overdue.returncode == 0, overdue.stderr
    assert "esr/1.a" in overdue.stdout and "107 days overdue" in overdue.stdout


def test_the_installed_app_definitions_are_there(installed: Path, tmp_path: Path) -> None:
    client = "0b9f3a52-7c1d-4e8a-9f00-5d2c6b7a8e41"
    package = run(installed, tmp_path, "teams", "package", "--host", "bot.nhs.wales", "--client-id", client,
                  "--out", str(tmp_path / "app.zip"))  # fmt: skip
    assert package.returncode == 0, package.stderr
    # The Welsh language file travels with the manifest (localizationInfo, issue 13).
    assert zipfile.ZipFile(tmp_path / "app.zip").namelist() == ["manifest.json", "color.png", "outline.png", "cy.json"]
    manifest = run(installed, tmp_path, "slack", "manifest", "--url", "https://bot.nhs.wales")
    assert manifest.returncode == 0 and "url: https://bot.nhs.wales/slack/events" in manifest.stdout


def test_a_missing_data_folder_is_one_clear_line(installed: Path, tmp_path: Path) -> None:
    result = run(installed, tmp_path, "init", "--demo", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
                 DATA_DIR=str(tmp_path / "nowhere"))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == f"Cannot load the demo data: DATA_DIR {tmp_path / 'nowhere'} is not a folder."


def test_the_wheel_carries_the_compiled_welsh_catalog(installed: Path, tmp_path: Path) -> None:
    found = subprocess.run([str(installed / "python"), "-c", "from bot.i18n.catalogs import catalog_folder; "
                            "print(catalog_folder('cy').joinpath('milestones.mo').is_file())"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert found.strip() == "True"
    welsh = run(installed, tmp_path, "init", "--demo", DATABASE_URL=f"sqlite:///{tmp_path / 'cy.db'}",
                LANG="cy_GB.UTF-8", LC_ALL="", LC_MESSAGES="")  # fmt: skip
    assert welsh.returncode == 0, welsh.stderr
    assert "Cynllun esr: 17 gweithred wedi'u hychwanegu" in welsh.stdout
