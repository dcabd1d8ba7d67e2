"""The demo's maturity assessments: four quarters of each payments team's self-assessment,
the BU's own questionnaire version among them, one revision kept in the history, and the
current quarter read beside the demo's telemetry, whatever day it is loaded (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.cast import read_cast
from domain.insights import maturity_queries as mq
from domain.insights.maturity_rules import Quarter
from domain.kernel.reader import Reader
from tests.demo import test_demo_dates as dates
from tests.demo.test_demo_dates import ORDINARY, QUARTER_END, load_everything

database_url = dates.database_url  # the same fixture: a fresh database per dialect


@pytest.mark.parametrize("at", [ORDINARY, QUARTER_END], ids=["ordinary", "quarter-end"])
async def test_the_demo_holds_four_quarters_of_assessments_with_their_insight(
    database_url: str, tmp_path: Path, at: object
) -> None:
    runtime = await load_everything(database_url, tmp_path, at)  # type: ignore[arg-type]
    try:
        cast = await read_cast(runtime)
        assert cast is not None
        now = runtime.clock.now()
        async with runtime.db.read_session() as session:
            reader = Reader(session, cast.actor("rmo"), runtime.authorizer)
            page = await mq.assessments(
                reader, team_id=cast.teams["payouts"], bu_id=None, first=10, after=None
            )
            rows = page.items
            insights = await mq.insights_of(reader, [r.id for r in rows], now)
            revisions = await mq.revisions_of(reader, [r.id for r in rows])
        current = Quarter.of(now)
        expected = [current.previous.previous.previous, current.previous.previous]
        expected += [current.previous, current]
        assert [r.quarter for r in rows] == [str(q) for q in expected]
        assert [r.questionnaire_number for r in rows] == [1, 2, 2, 2]
        assert [len(revisions[r.id]) for r in rows] == [1, 1, 2, 1]
        assert all(len(insights[r.id].gaps) == 7 for r in rows)
    finally:
        await runtime.stop()
