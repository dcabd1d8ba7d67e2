"""The domain contexts form a directed graph in the documented order (docs/architecture.md)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.architecture.contexts import (
    LAYERS,
    against_the_order,
    cycles,
    edges,
    into_private_modules,
)

ROOT = Path(__file__).resolve().parents[1]

# Imports of another context's ORM models or repositories that are still to be replaced by that
# context's facts (docs/architecture.md, "Debt"). The list may only shrink: an entry that no
# longer occurs fails too, so whoever removes one also removes it here.
KNOWN_PRIVATE_READS_FILE = Path(__file__).with_name("architecture") / "private_reads.txt"


def known_private_reads() -> set[str]:
    lines = KNOWN_PRIVATE_READS_FILE.read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def private_reads(root: Path) -> set[str]:
    return {f"{e.path} -> {e.module}" for e in into_private_modules(list(edges(root)))}


def plant(root: Path, path: str, source: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(source))


class TestTheContextGraph:
    def test_every_context_has_its_place_in_the_order(self) -> None:
        contexts = {
            p.name
            for p in (ROOT / "domain").iterdir()
            if p.is_dir() and (p / "__init__.py").exists() and p.name != "migrations"
        }
        ordered = {ctx for layer in LAYERS for ctx in layer}
        assert contexts == ordered

    def test_imports_follow_the_order(self) -> None:
        assert [str(e) for e in against_the_order(list(edges(ROOT)))] == []

    def test_there_is_no_cycle(self) -> None:
        assert cycles(list(edges(ROOT))) == []

    def test_no_context_imports_another_inside_a_function(self) -> None:
        assert [str(e) for e in edges(ROOT) if e.in_function] == []

    def test_private_reads_only_shrink(self) -> None:
        assert sorted(private_reads(ROOT) - known_private_reads()) == [], "new private reads"
        assert sorted(known_private_reads() - private_reads(ROOT)) == [], (
            "gone: remove them from tests/architecture/private_reads.txt"
        )


class TestTheCheckSeesAPlantedBackEdge:
    """The same checks over a small planted tree: they must catch what they are for."""

    def world(self, tmp_path: Path) -> Path:
        plant(tmp_path, "domain/__init__.py", "")
        for ctx in ("kernel", "organization", "calendar", "pipelines"):
            plant(tmp_path, f"domain/{ctx}/__init__.py", "")
        plant(tmp_path, "domain/organization/models.py", "class Service: ...\n")
        plant(tmp_path, "domain/organization/facts.py", "def services(): ...\n")
        plant(tmp_path, "domain/pipelines/queries.py", "def reports(): ...\n")
        plant(
            tmp_path,
            "domain/calendar/windows.py",
            "from domain.organization.facts import services\n",
        )
        return tmp_path

    def test_a_clean_tree_passes(self, tmp_path: Path) -> None:
        found = list(edges(self.world(tmp_path)))
        assert [str(e) for e in found] == [
            "domain/calendar/windows.py:1 calendar -> domain.organization.facts"
        ]
        assert against_the_order(found) == []
        assert cycles(found) == []
        assert into_private_modules(found) == []

    def test_a_back_edge_is_against_the_order_and_makes_a_cycle(self, tmp_path: Path) -> None:
        root = self.world(tmp_path)
        plant(root, "domain/organization/findings.py", "from domain.calendar import windows\n")
        found = list(edges(root))
        assert [str(e) for e in against_the_order(found)] == [
            "domain/organization/findings.py:1 organization -> domain.calendar.windows"
        ]
        assert cycles(found) == [["calendar", "organization"]]

    def test_a_sibling_edge_is_against_the_order(self, tmp_path: Path) -> None:
        root = self.world(tmp_path)
        plant(root, "domain/environments/__init__.py", "")
        plant(root, "domain/calendar/range.py", "import domain.environments\n")
        offenders = against_the_order(list(edges(root)))
        assert [(e.source, e.target) for e in offenders] == [("calendar", "environments")]

    def test_an_import_inside_a_function_is_seen(self, tmp_path: Path) -> None:
        root = self.world(tmp_path)
        plant(
            root,
            "domain/calendar/lazy.py",
            """
            def later():
                from domain.pipelines.queries import reports
                return reports()
            """,
        )
        found = [e for e in edges(root) if e.in_function]
        assert [str(e) for e in found] == [
            "domain/calendar/lazy.py:3 calendar -> domain.pipelines.queries (inside a function)"
        ]

    def test_a_published_query_fragment_is_no_private_read(self, tmp_path: Path) -> None:
        root = self.world(tmp_path)
        plant(root, "domain/organization/fragments.py", "def service_rows(): ...\n")
        plant(
            root,
            "domain/calendar/slots.py",
            "from domain.organization.fragments import service_rows\n",
        )
        assert private_reads(root) == set()

    def test_reading_another_contexts_models_is_a_private_read(self, tmp_path: Path) -> None:
        root = self.world(tmp_path)
        plant(root, "domain/calendar/slots.py", "from domain.organization.models import Service\n")
        assert sorted(private_reads(root)) == [
            "domain/calendar/slots.py -> domain.organization.models"
        ]
