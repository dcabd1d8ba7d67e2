"""The security suite (tests/security_suite.py) names tests that exist, and `make test` runs
them: a renamed class or file cannot quietly drop an attack from the suite."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.security_suite import SUITE, in_suite

ROOT = Path(__file__).resolve().parent.parent
LISTED = sorted({node for nodes in SUITE.values() for node in nodes})


@pytest.mark.parametrize("node", LISTED)
def test_every_listed_node_names_a_test_file_or_class(node: str) -> None:
    path, _, cls = node.partition("::")
    source = ROOT / path
    assert source.is_file(), node
    tree = ast.parse(source.read_text())
    tests = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if not cls:
        assert any(t.name.startswith("test_") for t in tests), node
        return
    (found,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls]
    assert any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test_")
        for n in found.body
    ), node


def test_membership_is_by_whole_node_ids() -> None:
    assert in_suite("tests/api/test_graphql_limits.py::TestCost::test_x[sqlite]")
    assert not in_suite("tests/api/test_graphql_limits.py::TestCostly::test_x")
    assert in_suite("tests/api/test_flood.py::TestOneViewersFlood::test_x[postgresql]")


def test_make_test_runs_the_whole_suite_with_no_marker_left_out() -> None:
    make_test = (ROOT / "Makefile").read_text().split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/pytest" in make_test and " -m " not in make_test
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    ini = options["ini_options"]
    assert "-m" not in str(ini.get("addopts", "")).split()
    assert ini["testpaths"] == ["tests"]
    assert any(m.startswith("security:") for m in ini["markers"])
