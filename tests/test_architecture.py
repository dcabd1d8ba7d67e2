"""Architecture rules as tests: imports point down, one commit place, no SQL in GraphQL."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"domain": 0, "authz": 1, "demo": 2, "api": 3}
"""Lowest first; the demo loader sits below the API that loads it (it names the API in types only)."""


def modules(package: str) -> Iterator[Path]:
    yield from (ROOT / package).rglob("*.py")


def runtime_imports(path: Path) -> Iterator[tuple[int, str]]:
    """Imported module names, leaving out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


class TestLayers:
    @pytest.mark.parametrize("package", ["domain", "authz", "demo"])
    def test_imports_point_down_only(self, package: str) -> None:
        offences = [
            f"{path.relative_to(ROOT)}:{line} imports {name}"
            for path in modules(package)
            for line, name in runtime_imports(path)
            if name.split(".")[0] in LAYERS and LAYERS[name.split(".")[0]] > LAYERS[package]
        ]
        assert offences == []

    def test_graphql_modules_hold_no_sql(self) -> None:
        offences = [
            f"{path.relative_to(ROOT)}:{line} imports {name}"
            for path in modules("api/graphql")
            for line, name in runtime_imports(path)
            if name.split(".")[0] == "sqlalchemy"
        ]
        assert offences == []


# One commit place per transport: GraphQL mutations commit in their runner, machine endpoints,
# infrastructure work and the demo loader in `Units.run`; the unit of work and alembic's
# environment are the mechanism itself. Nothing else commits, least of all the domain.
COMMIT_PLACES = {
    "api/graphql/mutations.py": 1,
    "api/units.py": 1,
    "domain/kernel/uow.py": 1,
    "domain/migrations/env.py": 1,
}


def commit_calls() -> dict[str, int]:
    found: dict[str, int] = {}
    for package in ("api", "domain", "authz", "demo"):
        for path in modules(package):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "commit"
                ):
                    rel = str(path.relative_to(ROOT))
                    found[rel] = found.get(rel, 0) + 1
    return found


class TestOneCommitPlace:
    def test_each_transport_commits_in_one_place(self) -> None:
        assert commit_calls() == COMMIT_PLACES


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
EXCEPTIONS_DOC = ROOT / "docs" / "architecture.md"


def size_exceptions() -> set[str]:
    """`path` or `path::function` entries of docs/architecture.md's "Size exceptions" list,
    each written there with the reason it may stay large."""
    text = EXCEPTIONS_DOC.read_text()
    section = text.split("## Size exceptions", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([^`]+)`", section, flags=re.M))


def oversized() -> set[str]:
    found = set()
    for package in ("api", "domain", "authz"):
        for path in modules(package):
            if "migrations" in path.parts:
                continue
            rel = str(path.relative_to(ROOT))
            source = path.read_text()
            if len(source.splitlines()) > MAX_MODULE_LINES:
                found.add(rel)
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    assert node.end_lineno is not None
                    if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                        found.add(f"{rel}::{node.name}")
    return found


class TestSize:
    def test_no_module_or_function_is_too_long_without_a_written_reason(self) -> None:
        assert sorted(oversized() - size_exceptions()) == []

    def test_every_written_exception_is_still_needed(self) -> None:
        assert sorted(size_exceptions() - oversized()) == []
