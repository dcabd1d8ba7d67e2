"""The demo's defects form one pattern of each kind, whatever day it is loaded, and the patterns
it completed were announced to planning as it loaded (issue 17's demo data)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from demo.cast import read_cast
from domain.kernel.reader import Reader
from domain.postrelease import defect_patterns as patterns
from domain.postrelease import defect_rules as rules
from domain.postrelease.defect_models import Defect, DefectPattern
from domain.postrelease.defect_vocabulary import PatternKind
from tests.demo import test_demo_dates as dates
from tests.demo.test_demo_dates import ORDINARY, QUARTER_END, load_everything

database_url = dates.database_url  # the same fixture: a fresh database per dialect


@pytest.mark.parametrize("at", [ORDINARY, QUARTER_END], ids=["ordinary", "quarter-end"])
async def test_the_demo_defects_form_one_pattern_of_each_kind(
    database_url: str, tmp_path: Path, at: object
) -> None:
    runtime = await load_everything(database_url, tmp_path, at)  # type: ignore[arg-type]
    try:
        cast = await read_cast(runtime)
        assert cast is not None
        now = runtime.clock.now()
        async with runtime.db.read_session() as session:
            reader = Reader(session, cast.actor("rmo"), runtime.authorizer)
            items = await patterns.backlog_of(
                reader, rules.Period(now - timedelta(days=28), now), patterns.DEFAULT
            )
            announced = list((await session.scalars(select(DefectPattern))).all())
            from_incident = list(
                await session.scalars(select(Defect).where(Defect.source_kind == "incident"))
            )
        assert {i.pattern.kind for i in items} == set(PatternKind)
        assert {i.bu_key for i in items} == {"payments"}
        # announced per aligned 28-day period: which ones fell in the current period depends
        # on the day (on these two, some were), and none twice
        assert announced and len({(p.kind, p.subject) for p in announced}) == len(announced)
        assert len(from_incident) == 1
    finally:
        await runtime.stop()
