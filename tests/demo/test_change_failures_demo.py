"""The demo's change failures (issue 18): the rewards team's configuration pushes fail 5 of 6
times, so `config` stands out org-wide, with the controls suggested for the core guardrails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from domain.insights import failure_queries
from domain.insights.failure_suggestions import Control
from domain.insights.ledger_repository import LedgerFilter
from domain.kernel.access import Scope
from tests.demo import test_demo_dates as dates
from tests.demo.test_demo_dates import ORDINARY, load_everything

database_url = dates.database_url  # the same fixture: a fresh database per dialect


async def test_config_changes_stand_out_with_suggested_controls(
    database_url: str, tmp_path: Path
) -> None:
    runtime = await load_everything(database_url, tmp_path, ORDINARY)
    try:
        now = runtime.clock.now()
        async with runtime.db.read_session() as session:
            report = await failure_queries.analysed(
                session, Scope(everywhere=True), LedgerFilter(), now - timedelta(days=90), now
            )
    finally:
        await runtime.stop()
    [config] = report.analysis.standing_out
    assert config.change_type == "config"
    assert (len(config.figures.changes), len(config.figures.failed)) == (6, 5)
    assert config.figures.worst == "SEV3"
    assert "stands out" in config.verdict
    suggested = report.suggestions["config"]
    assert [s.control for s in suggested] == [
        Control.PEER_REVIEW,
        Control.READINESS_REVIEW,
        Control.TEST_COVERAGE,
    ]
