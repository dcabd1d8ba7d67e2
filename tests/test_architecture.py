"""Architecture rules as tests: imports point down, one commit place, no SQL in GraphQL."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"domain": 0, "authz": 1, "api": 2}


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
    @pytest.mark.parametrize("package", ["domain", "authz"])
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


class TestOneCommitPlace:
    def test_only_the_unit_of_work_commits(self) -> None:
        allowed = {ROOT / "domain" / "kernel" / "uow.py", ROOT / "domain" / "migrations" / "env.py"}
        offences = []
        for package in ("api", "domain", "authz"):
            for path in modules(package):
                if path in allowed:
                    continue
                for node in ast.walk(ast.parse(path.read_text())):
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "commit"
                        and not (
                            isinstance(node.func.value, ast.Name) and node.func.value.id == "uow"
                        )
                    ):
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        assert offences == []


class TestModuleSize:
    def test_no_module_grows_past_600_lines(self) -> None:
        big = [
            f"{p.relative_to(ROOT)} ({n} lines)"
            for package in ("api", "domain", "authz")
            for p in modules(package)
            if (n := len(p.read_text().splitlines())) > 600 and "migrations/versions" not in str(p)
        ]
        assert big == []
