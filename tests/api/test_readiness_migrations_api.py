"""Data-migration safety and production-like volumes through GraphQL (issue 16): a declared
migration blocks production until it is pre-validated, dry-run on the build and compensable;
performance evidence from a run on a tenth of production's volume does not count for tier 1."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, unique
from tests.api.environments_support import environment
from tests.api.governance_support import audit_actions, release, services
from tests.api.readiness_migrations_support import (
    APPROVE,
    CHECKS,
    COMPENSATE,
    LIST,
    PRE_CHECKS,
    PROFILE,
    VOLUME,
    WITHDRAW,
    declare,
    dry_run,
    payload,
)
from tests.api.test_promotion_decision import ask, scan, world

ASK = """query($i: PromotionAskInput!) { promotionDecision(input: $i, fresh: true) {
  allowed gates { gate status reason evidence } } }"""


def gate(decision: dict[str, Any], name: str) -> dict[str, Any]:
    return next(g for g in decision["gates"] if g["gate"].lower() == name)


async def decide(api: Api, w: dict[str, Any]) -> dict[str, Any]:
    return (await api.ok(ASK, {"i": ask(w)}, as_user="ci"))["promotionDecision"]  # type: ignore[no-any-return]


class TestAMigrationWithoutACompensatingStepBlocks:
    async def test_blocks_until_one_is_added_and_every_change_is_audited(self, api: Api) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        assert gate(await decide(api, w), "data_migrations")["status"] == "PASSED"

        made = await declare(api, w["release"]["id"], w["service"], preChecks=CHECKS)
        assert made["errors"] == [], made
        migration = made["dataMigration"]
        assert migration["compensationKind"] is None
        assert migration["declaredBy"] == {"username": "engineer"}
        await dry_run(api, w, "0042_split_names")

        blocked = gate(await decide(api, w), "data_migrations")
        assert blocked["status"] == "PENDING"
        assert blocked["reason"] == (
            "0042_split_names: no compensating step for rollback (a reverse migration or a "
            "documented compensating transaction) nor an approved irreversible waiver."
        )
        assert blocked["evidence"]["dataMigrationIds"] == [migration["id"]]

        done = await api.ok(
            COMPENSATE,
            {
                "i": {
                    "id": migration["id"],
                    "version": migration["version"],
                    "compensation": {
                        "kind": "REVERSE_MIGRATION",
                        "reference": "0042_split_names downgrade()",
                    },
                }
            },
            as_user="sre",
        )
        assert done["dataMigrationCompensationSet"]["errors"] == []
        passed = gate(await decide(api, w), "data_migrations")
        assert passed["status"] == "PASSED", passed
        assert await audit_actions(api, migration["id"]) == [
            "data_migration.declare",
            "data_migration.compensation",
        ]

    async def test_a_dry_run_of_another_migration_or_with_errors_does_not_do(
        self, api: Api
    ) -> None:
        w = await world(api)
        compensation = {
            "kind": "COMPENSATING_TRANSACTION",
            "reference": "https://wiki.example/undo",
        }
        made = await declare(
            api, w["release"]["id"], w["service"], preChecks=CHECKS, compensation=compensation
        )
        assert made["errors"] == []
        await dry_run(api, w, "0041_other")
        assert (
            "no dry run of this build names it"
            in gate(await decide(api, w), "data_migrations")["reason"]
        )
        await dry_run(api, w, "0041_other", "0042_split_names", errors=2)
        failed = gate(await decide(api, w), "data_migrations")
        assert failed["status"] == "FAILED"
        assert "the dry run by alembic failed (2 error(s))" in failed["reason"]

    async def test_pre_checks_without_results_wait_for_them(self, api: Api) -> None:
        w = await world(api)
        unrun = [{**CHECKS[0], "passed": None}]
        made = await declare(
            api,
            w["release"]["id"],
            w["service"],
            preChecks=unrun,
            compensation={"kind": "REVERSE_MIGRATION", "reference": "down"},
        )
        await dry_run(api, w, "0042_split_names")
        pending = gate(await decide(api, w), "data_migrations")
        assert pending["reason"] == (
            "0042_split_names: pre-check 'no orphan payments' has no result on the target data."
        )
        m = made["dataMigration"]
        recorded = await api.ok(
            PRE_CHECKS,
            {"i": {"id": m["id"], "version": m["version"], "preChecks": CHECKS}},
            as_user="ci",
        )
        assert recorded["dataMigrationPreChecksRecord"]["dataMigration"]["preChecks"] == [
            {"name": "no orphan payments", "passed": True}
        ]
        assert gate(await decide(api, w), "data_migrations")["status"] == "PASSED"


class TestAnIrreversibleMigrationNeedsSomeoneElsesApproval:
    async def test_the_declarer_never_approves_and_an_approver_does(self, api: Api) -> None:
        w = await world(api)
        reason = "Drops the legacy card column; the data is archived to cold storage first."
        made = await declare(
            api,
            w["release"]["id"],
            w["service"],
            as_user="payments-admin",
            preChecks=CHECKS,
            compensation={"kind": "IRREVERSIBLE", "notes": reason},
        )
        m = made["dataMigration"]
        await dry_run(api, w, "0042_split_names")
        assert "waiver is not approved" in gate(await decide(api, w), "data_migrations")["reason"]

        variables = {"i": {"id": m["id"], "version": m["version"]}}
        own = await payload(api, APPROVE, variables["i"], as_user="payments-admin")
        assert [e["errorCode"] for e in own["errors"]] == ["WAIVER_SELF_APPROVAL"]
        approved = await api.ok(APPROVE, variables, as_user="approver")
        got = approved["dataMigrationWaiverApprove"]
        assert got["errors"] == [] and got["dataMigration"]["waiverApprovedBy"] == {
            "username": "approver"
        }
        assert gate(await decide(api, w), "data_migrations")["status"] == "PASSED"

        # A new reason to waive is approved afresh.
        changed = await api.ok(
            COMPENSATE,
            {
                "i": {
                    "id": m["id"],
                    "version": got["dataMigration"]["version"],
                    "compensation": {"kind": "IRREVERSIBLE", "notes": reason + " Twice."},
                }
            },
            as_user="payments-admin",
        )
        assert changed["dataMigrationCompensationSet"]["dataMigration"]["waiverApprovedBy"] is None
        assert gate(await decide(api, w), "data_migrations")["status"] == "PENDING"


class TestBadInputIsRefusedWithAStableCode:
    async def test_declarations_name_a_shipped_service_and_a_well_formed_key(
        self, api: Api
    ) -> None:
        [shipped, other] = await services(api, "payments", 2)
        rel = await release(api, service_ids=[shipped])
        wrong = await declare(api, rel["id"], other)
        assert [e["errorCode"] for e in wrong["errors"]] == ["SERVICE_NOT_SHIPPED"]
        bad = await declare(api, rel["id"], shipped, key="no spaces allowed")
        assert [(e["errorCode"], e["field"]) for e in bad["errors"]] == [
            ("INVALID_MIGRATION_KEY", "key")
        ]
        first = await declare(api, rel["id"], shipped)
        assert first["errors"] == []
        again = await declare(api, rel["id"], shipped)
        assert [e["code"] for e in again["errors"]] == ["ALREADY_EXISTS"]
        short = await payload(
            api,
            COMPENSATE,
            {
                "id": first["dataMigration"]["id"],
                "version": first["dataMigration"]["version"],
                "compensation": {"kind": "IRREVERSIBLE", "notes": "lossy"},
            },
        )
        assert [e["errorCode"] for e in short["errors"]] == ["WAIVER_REASON_TOO_SHORT"]

    async def test_a_withdrawn_declaration_is_gone_and_audited(self, api: Api) -> None:
        [shipped] = await services(api, "payments")
        rel = await release(api, service_ids=[shipped])
        made = (await declare(api, rel["id"], shipped))["dataMigration"]
        listed = await api.ok(LIST, {"r": rel["id"]})
        assert [m["id"] for m in listed["releaseDataMigrations"]] == [made["id"]]
        gone = await api.ok(WITHDRAW, {"i": {"id": made["id"], "version": made["version"]}})
        assert gone["dataMigrationWithdraw"]["errors"] == []
        assert (await api.ok(LIST, {"r": rel["id"]}))["releaseDataMigrations"] == []
        assert await audit_actions(api, made["id"]) == [
            "data_migration.declare",
            "data_migration.withdraw",
        ]

    async def test_a_volume_profile_needs_a_figure_in_range(self, api: Api) -> None:
        [sid] = await services(api, "payments")
        for values, code in (({"rows": -1}, "INVALID_VOLUME"), ({}, "VOLUME_REQUIRED")):
            got = await payload(api, VOLUME, {"serviceId": sid, **values}, as_user="sre")
            assert [e["errorCode"] for e in got["errors"]] == [code]


PERF = """mutation($i: EvidencePerformanceInput!) { evidencePerformanceReport(input: $i) {
  errors { code field } } }"""


async def benchmark(api: Api, artifact: dict[str, Any], rows: float, rps: float) -> None:
    values = {
        "artifact": artifact,
        "benchmark": "checkout p99",
        "baseline": 180.0,
        "value": 176.0,
        "unit": "ms",
        "rows": rows,
        "requestsPerSecond": rps,
    }
    body = await api.gql(PERF, {"i": values}, as_user="ci")
    assert body["data"]["evidencePerformanceReport"]["errors"] == [], body


class TestPerformanceEvidenceCountsOnlyAtProductionLikeVolume:
    async def test_a_ten_percent_run_does_not_count_for_tier_1_and_a_ninety_percent_one_does(
        self, api: Api
    ) -> None:
        [sid] = await services(api, "payments", tier="CRITICAL")
        env = await environment(api, kind="PERFORMANCE", name="Perf")
        version = "2.0.0"
        artifact = {
            "serviceId": sid,
            "name": "app",
            "version": version,
            "digest": "sha256:" + unique("p").split("-")[1].ljust(64, "b"),
        }
        q = {"serviceId": sid, "environmentId": env["id"], "artifactVersion": version}

        await benchmark(api, artifact, rows=100_000, rps=50)
        decision = (await api.ok(ASK, {"i": q}, as_user="ci"))["promotionDecision"]
        assert "no production volume profile" in gate(decision, "performance")["reason"]

        profile = {"serviceId": sid, "rows": 1_000_000, "requestsPerSecond": 500}
        made = await api.ok(VOLUME, {"i": profile}, as_user="sre")
        assert made["serviceVolumeProfileSet"]["errors"] == []
        assert (await api.ok(PROFILE, {"s": sid}))["serviceVolumeProfile"]["rows"] == 1_000_000
        profile_id = made["serviceVolumeProfileSet"]["volumeProfile"]["id"]
        assert await audit_actions(api, profile_id) == ["volume_profile.set"]

        decision = (await api.ok(ASK, {"i": q}, as_user="ci"))["promotionDecision"]
        low = gate(decision, "performance")
        assert low["status"] == "PENDING"
        assert low["reason"] == (
            "Benchmarks not run on production-like volume do not count: checkout p99: it ran "
            "on 100000 rows, 10% of production's 1e+06 (at least 80% needed), it ran on 50 "
            "requests/s, 10% of production's 500 (at least 80% needed)."
        )

        await benchmark(api, artifact, rows=900_000, rps=450)
        decision = (await api.ok(ASK, {"i": q}, as_user="ci"))["promotionDecision"]
        assert gate(decision, "performance")["status"] == "PASSED"

    async def test_an_internal_service_has_no_volume_floor(self, api: Api) -> None:
        [sid] = await services(api, "payments")
        env = await environment(api, kind="PERFORMANCE", name="Perf")
        artifact = {
            "serviceId": sid,
            "name": "app",
            "version": "2.0.0",
            "digest": "sha256:" + unique("p").split("-")[1].ljust(64, "c"),
        }
        await benchmark(api, artifact, rows=10, rps=1)
        q = {"serviceId": sid, "environmentId": env["id"], "artifactVersion": "2.0.0"}
        decision = (await api.ok(ASK, {"i": q}, as_user="ci"))["promotionDecision"]
        assert gate(decision, "performance")["status"] == "PASSED"
