"""A value-stream summary reads the same statements for one change as for many: every lower
context's facts are read in batches, never per change."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.api.test_downtime_notice_escalation import clocked
from tests.api.test_query_cost import fewest
from tests.api.test_value_stream_support import (
    STREAM,
    SUMMARY,
    H,
    clock_of,
    deployed_to,
    shipped,
    summary_of,
)

__all__ = ["clocked"]


class TestSummaryCostConstantStatements:
    async def test_a_summary_of_four_changes_reads_as_many_statements_as_one(
        self, clocked: Api
    ) -> None:
        api = clocked
        one, many = await shipped(api, H), await shipped(api, H)
        for _ in range(3):
            clock_of(api).advance(timedelta(minutes=5))
            await deployed_to(api, many, many["env"]["key"])
        clock_of(api).advance(timedelta(minutes=1))

        def ask(team: str):  # type: ignore[no-untyped-def]
            return lambda: api.ok(SUMMARY, {"t": team, "first": 10}, as_user="rmo")

        await ask(one["team"])()  # warm: token, person and grant lookups
        small, few = await fewest(api, ask(one["team"]))
        large, more = await fewest(api, ask(many["team"]))
        assert small["valueStreamSummary"]["changeCount"] == 1
        assert large["valueStreamSummary"]["changeCount"] == 4
        assert len(large["valueStreamSummary"]["changes"]["nodes"]) == 4
        assert more == few, (few, more)

    async def test_one_changes_stream_reads_a_bounded_number_of_statements(
        self, clocked: Api
    ) -> None:
        w = await shipped(clocked, H)
        (change,) = (await summary_of(clocked, w["team"]))["changes"]["nodes"]
        _, count = await fewest(
            clocked, lambda: clocked.ok(STREAM, {"d": change["deploymentId"]}, as_user="rmo")
        )
        # The deployment (2), pipelines' way to production (10), governance's approval trail
        # (6), queues, windows, environments, freezes, services and people: 23 today.
        assert count <= 25, count
