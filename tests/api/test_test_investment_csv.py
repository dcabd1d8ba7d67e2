"""Test investment as CSV: the same table as the query, suggestions first by rank; its options
as query parameters change the answer as they do there."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.api.conftest import Api
from tests.api.test_test_investment_support import History, history

PATH = "/insights/test-investment.csv"


async def _csv(api: Api, h: History, **params: Any) -> list[dict[str, str]]:
    response = await api.http.get(
        PATH,
        params={
            "businessUnitId": h.w.bu,
            "since": h.since.isoformat(),
            "until": h.until.isoformat(),
            **params,
        },
        headers={"authorization": f"Bearer {api.token('rmo')}"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


class TestTheCsvIsTheTable:
    async def test_suggestions_come_first_by_rank_with_their_rows(self, api: Api) -> None:
        h = await history(api)

        lines = await _csv(api, h)

        assert [(x["rank"], x["component"], x["classification"]) for x in lines] == [
            ("1", "ledger", "escapes_despite_coverage"),
            ("2", "checkout", "coverage_missing"),
        ]
        ledger = lines[0]
        assert (ledger["suites"], ledger["latest_coverage_percent"], ledger["unmapped_suites"]) == (
            "unit-tests",
            "90",
            "smoke",
        )
        assert (ledger["production_deployments"], ledger["defects_per_100_deployments"]) == (
            "4",
            "75",
        )
        assert len(ledger["defect_ids"].split()) == 3 and len(ledger["evidence_ids"].split()) == 2

    async def test_flat_weights_switch_the_ranking_here_too(self, api: Api) -> None:
        h = await history(api)

        lines = await _csv(api, h, critical=1, high=1, medium=1, low=1)

        assert [x["component"] for x in lines] == ["checkout", "ledger"]

    async def test_a_bad_threshold_is_refused_by_name(self, api: Api) -> None:
        h = await history(api)
        response = await api.http.get(
            PATH,
            params={"coverageThresholdPercent": "many", "since": h.since.isoformat()},
            headers={"authorization": f"Bearer {api.token('rmo')}"},
        )
        assert response.status_code == 400 and "coverageThresholdPercent" in response.text
