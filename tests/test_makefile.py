"""`make run` and `make install`: installs run only when their inputs changed; the port first.

The Makefile runs in a scratch copy of the tree with `pip` and `npm` replaced by scripts that
record their calls, so the stamps' logic is tested without installing anything.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORDER = """#!/bin/sh
echo "$(basename "$0") $*" >> "$CALLS"
if [ "$1" = ci ]; then mkdir -p node_modules; fi
if [ "$1 $2" = "run build" ]; then mkdir -p dist && echo '{}' > dist/manifest.json; fi
"""
SOURCES = (
    "pyproject.toml",
    "web-components/package.json",
    "web-components/package-lock.json",
    "web-components/tsconfig.json",
    "web-components/scripts/build.mjs",
    "web-components/scripts/documents.mjs",
    "web-components/src/index.ts",
    "web-components/src/base/view.test.ts",
    "web-components/graphiql/index.js",
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in SOURCES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in (tools / "npm", tmp_path / ".venv" / "bin" / "pip", tmp_path / ".venv/bin/python"):
        tool.parent.mkdir(parents=True, exist_ok=True)
        tool.write_text(RECORDER)
        tool.chmod(0o755)
    _age(tmp_path, *SOURCES, seconds=100)
    return tmp_path


def _age(tree: Path, *names: str, seconds: int) -> None:
    """Make files older than now, so a later touch is unmistakably newer."""
    for name in names:
        stamp = (tree / name).stat().st_mtime - seconds
        os.utime(tree / name, (stamp, stamp))


def _touch(tree: Path, name: str) -> None:
    os.utime(tree / name, None)


def _make(tree: Path, *args: str) -> list[str]:
    calls = tree / "calls.log"
    calls.write_text("")
    env = {**os.environ, "CALLS": str(calls)}
    npm = str(tree / "tools" / "npm")
    subprocess.run(
        ["make", "--no-print-directory", "-s", *args, f"NPM={npm}", f"PYTHON={sys.executable}"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return calls.read_text().splitlines()


class TestInstallsRunOnlyWhenNeeded:
    def test_a_fresh_tree_installs_everything_and_a_second_run_nothing(self, tree: Path) -> None:
        assert _make(tree, "install") == [
            "pip install --quiet -e .",
            "npm ci --no-audit --no-fund --loglevel=error",
            "npm run build",
        ]
        assert _make(tree, "install") == []

    def test_a_changed_component_source_rebuilds_the_bundle_only(self, tree: Path) -> None:
        _make(tree, "install")
        _age(tree, ".venv/.installed", "web-components/node_modules/.installed", seconds=50)
        _age(tree, "web-components/dist/manifest.json", seconds=50)
        _touch(tree, "web-components/src/base/view.test.ts")
        assert _make(tree, "install") == []  # a test file is not in the bundle
        _touch(tree, "web-components/src/index.ts")
        assert _make(tree, "install") == ["npm run build"]

    def test_a_changed_lock_reinstalls_the_packages_and_pyproject_the_python(
        self, tree: Path
    ) -> None:
        _make(tree, "install")
        _age(tree, ".venv/.installed", "web-components/node_modules/.installed", seconds=50)
        _age(tree, "web-components/dist/manifest.json", seconds=50)
        _touch(tree, "web-components/package-lock.json")
        assert _make(tree, "install") == [
            "npm ci --no-audit --no-fund --loglevel=error",
            "npm run build",
        ]
        _touch(tree, "pyproject.toml")
        assert _make(tree, "install") == ["pip install --quiet -e ."]


class TestThePortIsCheckedFirst:
    def test_a_taken_port_fails_at_once_with_what_to_do(self, tree: Path) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            calls = tree / "calls.log"
            done = subprocess.run(
                ["make", "--no-print-directory", "run", f"PORT={port}", f"PYTHON={sys.executable}"],
                cwd=tree,
                env={**os.environ, "CALLS": str(calls)},
                capture_output=True,
                text=True,
                timeout=60,
            )
        assert done.returncode != 0
        assert f"Port {port} on 127.0.0.1 is taken" in done.stderr
        assert "make run PORT=" in done.stderr
        assert not calls.exists() or calls.read_text() == ""  # nothing was installed

    def test_a_free_port_passes(self, tree: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        _make(tree, "port-free", f"PORT={port}")
