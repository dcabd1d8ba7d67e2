"""The curve benches of issue 19 at a tiny size on SQLite: their seeding and one measurement of
each step give the counts worked out from the seeded rows. No time is asserted."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from bench import audit_verify_bench as audit_bench
from bench import calendar_range_bench as calendar_bench
from domain.migrations import upgrade_async


@pytest.fixture(scope="module")
async def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the migrations' head, copied by each test (they write)."""
    path = tmp_path_factory.mktemp("bench-curves") / "migrated.db"
    await upgrade_async(f"sqlite+aiosqlite:///{path}")
    return path


def fresh(migrated: Path, tmp_path: Path) -> str:
    shutil.copy(migrated, tmp_path / "bench.db")
    return f"sqlite+aiosqlite:///{tmp_path}/bench.db"


async def test_audit_verify_bench_seeds_a_valid_chain_and_every_step_reads_all_of_it(
    migrated: Path, tmp_path: Path
) -> None:
    url = fresh(migrated, tmp_path)
    rng = random.Random(7)
    await audit_bench.extend_trail(url, 120, rng)
    await audit_bench.extend_trail(url, 200, rng)  # continues the chain from record 120

    async with audit_bench.signalbox(url) as runtime:
        steps = await audit_bench.measure_size(url, runtime, export=True)

    assert [(s.name, s.records, s.ok) for s in steps] == [
        ("verify (use case, SQLAlchemy)", 200, True),
        ("export (use case, JSON Lines)", 200, True),
        ("offline verify_export.py over the export", 200, True),
        ("reference: same reads on sqlite3, rows only", 200, True),
    ]


async def test_calendar_range_bench_shows_each_view_the_windows_seeded_in_its_range(
    migrated: Path, tmp_path: Path
) -> None:
    url = fresh(migrated, tmp_path)

    [result] = await calendar_bench.run(url, [50], requests=1)

    assert result.windows == 50
    assert (result.bus, result.months) == calendar_bench.shape(50) == (3, 4)
    assert [v.view for v in result.views] == [v.name for v in calendar_bench.VIEWS]
    for view in result.views:
        assert view.windows == view.expected, view.view
        assert view.statements > 0
    bu_month, team_month, org_quarter = result.views
    assert team_month.windows <= bu_month.windows <= org_quarter.windows
    assert org_quarter.windows > 0
