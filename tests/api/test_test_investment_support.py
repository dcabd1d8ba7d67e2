"""Helpers of the test-investment tests (no tests here): a BU of its own whose first service has
three high unit-layer escapes in `ledger` though its unit suite covers 90 %, and two medium
integration-layer escapes in `checkout` with no integration suite; its second service runs its
suites and has no defect. Four production deployments of the first, swept into the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tests.api.conftest import Api
from tests.api.evidence_support import fresh_digest
from tests.api.test_change_ledger_support import projected
from tests.api.test_defect_support import World, deploy, iso, record, world

ROW = """component escapedLayer classification defectCount weightedDefects productionDeployments
  defectsPer100Deployments score reason unmappedSuites service { id }
  layerEvidence { suites runs latestCoveragePercent medianCoveragePercent strength
    evidence { id subject } }
  defects { id severity } deployments { changeId }"""
INVESTMENT = f"""query($s: TestInvestmentScope, $since: DateTime, $until: DateTime,
  $o: TestInvestmentOptions) {{
  testInvestment(scope: $s, since: $since, until: $until, options: $o) {{
    start end coverageThresholdPercent minWeightedDefects halfLifeDays
    severityWeights {{ critical high medium low }}
    suggestions {{ rank row {{ {ROW} }} }}
    rows {{ {ROW} }}
  }} }}"""
TEST_RUN = """mutation($i: EvidenceTestRunInput!) { evidenceTestRunReport(input: $i) {
  evidence { id } errors { code field } } }"""


async def reported_run(
    api: Api, service: str, suite: str, coverage: float | None, version: str = "1.0.0"
) -> str:
    """A passing run of `suite` against a new artifact of the service; the evidence's id."""
    artifact = {"serviceId": service, "name": "app", "version": version, "digest": fresh_digest()}
    data = await api.ok(
        TEST_RUN,
        {
            "i": {
                "artifact": artifact,
                "suite": suite,
                "passed": 10,
                "failed": 0,
                "coveragePercent": coverage,
            }
        },
    )
    return data["evidenceTestRunReport"]["evidence"]["id"]  # type: ignore[no-any-return]


@dataclass
class History:
    w: World
    since: datetime
    until: datetime
    found: datetime
    unit_runs: list[str]
    defects: dict[str, list[str]]

    def ask(self, **options: Any) -> dict[str, Any]:
        return {
            "s": {"businessUnitId": self.w.bu},
            "since": iso(self.since),
            "until": iso(self.until),
            "o": options or None,
        }


async def history(api: Api) -> History:
    w = await world(api, 2)
    now = api.runtime.clock.now()
    since, found = now - timedelta(days=30), now - timedelta(days=1)
    for n in range(4):
        await deploy(api, w, 0, now - timedelta(days=20 - n))
    ledger = [
        (await record(api, w.services[0], component="ledger", escapedTestLayer="UNIT",
                      severity="HIGH", foundAt=iso(found)))["id"]
        for _ in range(3)
    ]  # fmt: skip
    checkout = [
        (await record(api, w.services[0], component="checkout", escapedTestLayer="INTEGRATION",
                      severity="MEDIUM", foundAt=iso(found)))["id"]
        for _ in range(2)
    ]  # fmt: skip
    unit = [
        await reported_run(api, w.services[0], "unit-tests", 85.0, "1.0.0"),
        await reported_run(api, w.services[0], "unit-tests", 90.0, "1.0.1"),
    ]
    await reported_run(api, w.services[0], "smoke", None, "1.0.2")
    await reported_run(api, w.services[1], "unit", 95.0, "2.0.0")
    await projected(api, since)
    until = api.runtime.clock.now() + timedelta(minutes=1)
    return History(w, since, until, found, unit, {"ledger": ledger, "checkout": checkout})


async def investment(api: Api, v: dict[str, Any], as_user: str = "rmo") -> dict[str, Any]:
    data = await api.ok(INVESTMENT, v, as_user=as_user)
    return data["testInvestment"]  # type: ignore[no-any-return]
