"""The house's layers, read from the import statements themselves (every `import` and `from … import`,
including those inside functions and under TYPE_CHECKING): the domain never reaches up to the command
language, the scheduler or a surface, and neither the scheduler nor the command language reaches a surface."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("bot/plans", "bot/escalation", "bot/directory", "bot/storage", "bot/governance")
SURFACES = ("bot.slack", "bot.teams", "bot.console", "bot.dashboard", "bot.server")
ABOVE_DOMAIN = ("commands", "scheduler", *SURFACES)


def _package(path: Path) -> str:
    """The package a module's relative imports start from."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def imported_modules(source: str, package: str) -> set[str]:
    """Every module the source imports (and every name it imports from one, which may be a module),
    relative imports resolved against its package."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _reaches(module: str, layers: tuple[str, ...]) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in layers)


def violations(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        for module in imported_modules(path.read_text(), _package(path))
        if _reaches(module, forbidden)
    )


@pytest.mark.parametrize("folder", DOMAIN)
def test_the_domain_imports_nothing_above_it(folder: str) -> None:
    assert list((ROOT / folder).rglob("*.py")), f"{folder} holds no modules: is the layer list out of date?"
    assert violations((folder,), ABOVE_DOMAIN) == []


def test_the_scheduler_imports_no_surface() -> None:
    assert violations(("scheduler",), SURFACES) == []


def test_the_command_language_imports_no_surface() -> None:
    assert violations(("commands",), SURFACES) == []


def test_the_walk_sees_imports_inside_functions_under_type_checking_and_relative_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bot.server.app import Runtime\n"
        "def later():\n    import scheduler.jobs\n"
        "from ..dashboard import links\n"
    )
    found = imported_modules(source, "bot.plans")
    assert {"bot.server.app", "scheduler.jobs", "bot.dashboard.links"} <= found
    assert violations(("bot/plans",), ("bot.plans",)), "the walk found no imports of a package within itself"
