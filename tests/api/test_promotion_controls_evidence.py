"""Controls about evidence and rollout, as a release manager sees them through GraphQL.

A stage of the active pipeline definition listing a gate, a failed migration dry run and the
parity of production with final staging each change the production decision; the risk level of
the release promoted sets how long its production canary dwells.
"""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api, unique
from tests.api.deployments_support import CREATE
from tests.api.environments_support import REPORT, digest, environment
from tests.api.test_promotion_decision import ASK, REQUEST, ask, scan, world

LISTING_PERFORMANCE = (
    "stages:\n  - name: prod\n    environment_kind: production\n    gates: [freeze, performance]\n"
)


async def _gates(api: Api, w: dict[str, Any], fresh: bool = False) -> dict[str, dict[str, Any]]:
    """The decision's gates: asked (a snapshot may be cached for seconds), or, `fresh`, as a
    recorded promotion decides them (always on fresh facts)."""
    if fresh:
        requested = await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer")
        decision = requested["promotionRequest"]["decision"]
    else:
        decision = (await api.ok(ASK, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
    return {g["gate"].lower(): g for g in decision["gates"]}


def _artifact(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "serviceId": w["service"],
        "name": "app",
        "version": w["version"],
        "digest": w["digest"],
    }


async def _report(api: Api, mutation: str, kind: str, w: dict[str, Any], **values: Any) -> None:
    body = await api.gql(
        f"mutation($i: {kind}!) {{ {mutation}(input: $i) {{ errors {{ code field }} }} }}",
        {"i": {"artifact": _artifact(w), **values}},
        as_user="ci",
    )
    assert body["data"][mutation]["errors"] == [], body


class TestAStageListingAGateRequiresIt:
    async def test_performance_listed_for_production_waits_for_a_benchmark(self, api: Api) -> None:
        w = await world(api, definition=LISTING_PERFORMANCE)
        await scan(api, w, critical=0)
        performance = (await _gates(api, w))["performance"]
        assert performance["status"] == "PENDING"
        assert re.fullmatch(
            r"No performance benchmark has been reported for this artifact yet\. Stage 'prod' "
            r"of pipeline deploy-\S+ \(v1\) lists performance\.",
            performance["reason"],
        ), performance
        await _report(
            api,
            "evidencePerformanceReport",
            "EvidencePerformanceInput",
            w,
            benchmark="checkout",
            baseline=100.0,
            value=101.0,
            unit="ms",
        )
        assert (await _gates(api, w, fresh=True))["performance"]["status"] == "PASSED"

    async def test_without_the_listing_no_benchmark_is_needed(self, api: Api) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        assert (await _gates(api, w))["performance"]["status"] == "PASSED"


class TestAFailedMigrationDryRunBlocks:
    async def test_the_decision_fails_on_the_failed_dry_run(self, api: Api) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        assert (await _gates(api, w))["migration_dry_run"]["status"] == "PASSED"
        await _report(
            api,
            "evidenceMigrationDryRunReport",
            "EvidenceMigrationDryRunInput",
            w,
            tool="flyway",
            succeeded=False,
            durationSeconds=12.5,
        )
        gate = (await _gates(api, w, fresh=True))["migration_dry_run"]
        assert (gate["status"], gate["reason"]) == (
            "FAILED",
            "The migration dry run failed in flyway.",
        )


async def _snapshot(api: Api, env: dict[str, Any], images: dict[str, str]) -> None:
    body = await api.gql(
        REPORT,
        {
            "i": {
                "environmentId": env["id"],
                "helmChart": "payments",
                "helmChartVersion": "1.2.0",
                "images": [{"service": k, "digest": v} for k, v in images.items()],
            }
        },
        as_user="ci",
    )
    assert body["data"]["configSnapshotReport"]["errors"] == [], body


class TestParityExpectsThePromotedImageToDiffer:
    async def test_a_normal_production_promotion_passes_parity_and_other_drift_fails(
        self, api: Api
    ) -> None:
        domain = unique("domain")
        w = await world(api, productDomain=domain)
        staging = await environment(api, productDomain=domain, finalStaging=True)
        key = w["serviceKey"]
        await _snapshot(api, staging, {key: w["digest"], "ledger": digest(1)})
        await _snapshot(api, w["env"], {key: digest(2), "ledger": digest(1)})
        parity = (await _gates(api, w))["environment_parity"]
        assert (parity["status"], parity["reason"]) == (
            "PASSED",
            f"Final staging and production agree but for {key}, the change promoted.",
        )
        await _snapshot(api, w["env"], {key: digest(2), "ledger": digest(3)})
        parity = (await _gates(api, w, fresh=True))["environment_parity"]
        assert (parity["status"], parity["reason"]) == (
            "FAILED",
            "Final staging and production differ: image_digest.",
        )


def _canary(w: dict[str, Any], *dwells: tuple[int, int]) -> dict[str, Any]:
    return {
        "serviceId": w["service"],
        "environmentId": w["env"]["id"],
        "artifactVersion": w["version"],
        "strategy": "CANARY",
        "canarySteps": [{"weight": weight, "dwellMinutes": m} for weight, m in dwells],
    }


class TestAProductionCanaryDwellsWhatTheRiskLevelRequires:
    async def test_a_zero_minute_canary_of_the_promoted_release_is_refused(self, api: Api) -> None:
        w = await world(api)
        level = (await api.ok(ASK, {"i": ask(w)}, as_user="ci"))["promotionDecision"]["riskLevel"]
        await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer")
        body = await api.gql(
            CREATE, {"i": _canary(w, (10, 0), (50, 0), (100, 0))}, as_user="engineer"
        )
        assert body["data"]["deploymentCreate"]["errors"] == [
            {"code": "CANARY_TOO_SHORT", "field": "canarySteps"}
        ], (level, body)
        body = await api.gql(
            CREATE, {"i": _canary(w, (10, 30), (50, 30), (100, 0))}, as_user="engineer"
        )
        assert body["data"]["deploymentCreate"]["errors"] == [], body
