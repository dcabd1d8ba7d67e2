"""The approval step a team's releases waited for longest is named beside its assessment, and
the wait sets its governance telemetry: a release submitted, legal's data-sovereignty sign-off
30 hours later (the clock moved), the team rating its governance 5 against a telemetry level of
3 (a median wait of 30 hours is within 72), flagged at the built-in threshold of 2."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.kernel.clock import FixedClock
from tests.api.conftest import Api, settings_for
from tests.api.governance_support import SIGN, payload, services, submitted
from tests.api.post_release_review_support import serving_at
from tests.api.test_maturity_support import by_dimension
from tests.api.test_maturity_support import submitted as assessed

MID_QUARTER = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
async def at_mid_quarter(api: Api, migrated_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """An app over the shared database whose clock stands in mid-November 2026 until moved."""
    settings = settings_for(migrated_url, tmp_path, outbox_delivery_enabled=False)
    async with serving_at(settings, FixedClock(MID_QUARTER)) as served:
        yield served


async def test_the_longest_approval_wait_is_named_and_sets_governance(
    at_mid_quarter: Api,
) -> None:
    api = at_mid_quarter
    [service] = await services(api, "payments", data="PERSONAL", regions=["eu-west-1"])
    found = await api.ok(
        "query($s: ID!) { node(id: $s) { ... on Service { team { id } } } }", {"s": service}
    )
    team_id = found["node"]["team"]["id"]
    release = await submitted(api, service_ids=[service])
    clock = api.runtime.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(hours=30))
    signed = payload(
        await api.gql(
            SIGN,
            {"i": {"releaseId": release["id"], "requirement": "data_sovereignty"}},
            as_user="legal",
        )
    )
    assert signed["errors"] == [], signed

    made = await assessed(api, team_id, governance=5)
    insight = made["insight"]
    assert insight["telemetry"]["signOffs"] == 1
    assert insight["telemetry"]["approvalWaitHours"] == 30
    assert insight["bottlenecks"] == [
        {"kind": "APPROVAL", "step": "data_sovereignty", "medianWaitHours": 30, "count": 1}
    ]
    assert by_dimension(made)["GOVERNANCE"] == {
        "dimension": "GOVERNANCE",
        "selfLevel": 5,
        "telemetryLevel": 3,
        "gap": 2,
        "flagged": True,
    }
