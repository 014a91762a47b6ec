"""The house has no import circles: read every module of bot/, commands/ and scheduler/ with `ast`, draw an
edge for each import (at the top, inside a function or under TYPE_CHECKING alike: a circle a type checker
walks is still a circle a reader walks) and look for strongly connected groups of modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "commands", "scheduler")
# Alembic loads the migration scripts by path; nothing imports them.
NOT_MODULES = ("migrations",)

# Circles known and accepted, each as the sorted names of its modules, with why it cannot be broken yet.
# Empty: the Runtime circle (every surface imported Runtime from bot/server/app.py, which imported every
# surface) is gone since Runtime moved to bot/runtime.py.
ALLOWED_CIRCLES: list[list[str]] = []


def module_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in (REPOSITORY / package).rglob("*.py"):
            if any(part in NOT_MODULES for part in path.parts):
                continue
            parts = list(path.relative_to(REPOSITORY).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    return files


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name the module imports; `from a import b` yields both `a.b` (b may be a module) and `a`."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    files = module_files()

    def owning_module(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = {owning_module(name) for name in imported_names(module, path)}
        graph[module] = {target for target in targets if target is not None and target != module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = lowest[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            successor = next(successors, None)
            if successor is not None:
                if successor not in index:
                    index[successor] = lowest[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                elif successor in on_stack:
                    lowest[node] = min(lowest[node], index[successor])
                continue
            work.pop()
            if work:
                lowest[work[-1][0]] = min(lowest[work[-1][0]], lowest[node])
            if lowest[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circles_among_bot_commands_and_scheduler() -> None:
    unexpected = [group for group in circles(import_graph()) if group not in ALLOWED_CIRCLES]
    assert unexpected == [], "import circles: " + "; ".join(" -> ".join(group) for group in unexpected)


def test_surfaces_take_the_runtime_from_the_wiring_and_only_the_server_composes_them() -> None:
    graph = import_graph()
    assert "bot.runtime" in graph["bot.slack.surface"]
    assert "bot.runtime" in graph["bot.teams.surface"]
    importers_of_the_server = sorted(module for module, targets in graph.items() if "bot.server.app" in targets)
    assert all(module.startswith("bot.cli.") for module in importers_of_the_server), importers_of_the_server


def test_the_circle_finder_finds_a_circle_and_its_members_only() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert circles(graph) == [["a", "b", "c"]]
