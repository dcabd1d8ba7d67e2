"""The value-stream summary as CSV: the aggregate table, one row per step, the same figures as
GraphQL; a team outside your BUs reads as not found."""

from __future__ import annotations

import csv
import io

from tests.api.conftest import Api
from tests.api.test_downtime_notice_escalation import clocked
from tests.api.test_value_stream_support import H, shipped

__all__ = ["clocked"]

DAYS_3 = 3 * 24 * 3600


async def export(api: Api, as_user: str, **params: str) -> tuple[int, str]:
    response = await api.http.get(
        "/insights/value-stream.csv",
        params=params,
        headers={"authorization": f"Bearer {api.token(as_user)}"},
    )
    return response.status_code, response.text


class TestTheAggregateTableAsCsv:
    async def test_one_row_per_step_with_work_and_wait(self, clocked: Api) -> None:
        w = await shipped(clocked, 72 * H)
        status, text = await export(clocked, "rmo", teamId=w["team"])
        assert status == 200, text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["step"] for r in rows] == [
            "merged",
            "built",
            "tested",
            "staged",
            "approved",
            "deployed",
        ]
        approved = rows[4]
        assert approved["wait_median_seconds"] == f"{DAYS_3:g}"
        assert approved["wait_approval_seconds"] == f"{DAYS_3:g}"
        assert approved["slowest_rank"] == "1"
        merged = rows[0]
        assert (merged["changes"], merged["no_data"], merged["work_median_seconds"]) == (
            "0",
            "1",
            "",
        )

    async def test_a_team_outside_your_bus_reads_as_not_found(self, clocked: Api) -> None:
        w = await shipped(clocked, H)
        status, _ = await export(clocked, "retail-admin", teamId=w["team"])
        assert status == 404

    async def test_a_bad_period_is_refused(self, clocked: Api) -> None:
        w = await shipped(clocked, H)
        status, text = await export(clocked, "rmo", teamId=w["team"], since="yesterday")
        assert status == 400, text
