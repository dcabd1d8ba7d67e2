"""The demo shows the value stream (issue 18's demo data): the card gateway's issuer-timeout fix
waited days for approval once staged, and the approvers who voted go approved its promotion
again (a redundant review named). Inside the quarter-end close its promotion is refused, as it
should be, and nothing ships."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from demo.cast import read_cast
from demo.value_stream import TITLE
from domain.insights import stream_queries as q
from domain.insights.stream_rules import Step, WaitKind, WasteKind
from domain.kernel.reader import Reader
from domain.organization import facts as organization
from tests.demo import test_demo_dates as dates
from tests.demo.test_demo_dates import ORDINARY, QUARTER_END, load_everything

database_url = dates.database_url  # the same fixture: a fresh database per dialect


async def _summary(url: str, data: Path, at: object) -> q.SummaryView:
    runtime = await load_everything(url, data, at)  # type: ignore[arg-type]
    try:
        cast = await read_cast(runtime)
        assert cast is not None
        now = runtime.clock.now() + timedelta(minutes=1)
        async with runtime.db.read_session() as session:
            gateway = await organization.service(session, cast.services["card-gateway"])
            return await q.value_stream_summary(
                Reader(session, cast.actor("rmo"), runtime.authorizer),
                team_id=gateway.team_id,
                bu_id=None,
                period=q.period_of(None, now, now),
            )
    finally:
        await runtime.stop()


async def test_the_fix_waited_for_approval_and_a_redundant_review_is_named(
    database_url: str, tmp_path: Path
) -> None:
    view = await _summary(database_url, tmp_path, ORDINARY)
    (fix,) = [c for c in view.changes if c.change.release_title == TITLE]
    approved = next(s for s in fix.stream.steps if s.step is Step.APPROVED)
    assert approved.wait is not None and approved.wait > timedelta(days=4, hours=12)
    assert [k for k, _ in approved.waits] == [WaitKind.APPROVAL]
    assert view.summary.slowest[0] is Step.APPROVED
    assert any(
        w.kind is WasteKind.REDUNDANT_REVIEW and "approved 2 times" in w.evidence
        for w in fix.stream.waste
    )


async def test_inside_the_quarter_end_close_nothing_ships(
    database_url: str, tmp_path: Path
) -> None:
    view = await _summary(database_url, tmp_path, QUARTER_END)
    assert not [c for c in view.changes if c.change.release_title == TITLE]
