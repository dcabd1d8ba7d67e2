"""The data_migrations gate: each declared migration pre-validated, dry-run on this build at
production-like volume and compensable, judged as the promotion decision judges it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from typing import Any

import pytest

from domain.compliance.bypass_rules import BypassFacts
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.pipelines.evidence_gates import Report, summarize
from domain.pipelines.judge import judge
from domain.pipelines.snapshot import Snapshot
from domain.pipelines.vocabulary import EvidenceType
from domain.readiness import migration_rules as rules
from domain.readiness.migration_rules import Compensation, MigrationFacts, PreCheck
from domain.readiness.volume_rules import VolumeFacts
from tests.domain.pipelines.test_judge import T0, snapshot

CHECK = PreCheck("no orphans", "every payment row has its customer", True, "0 orphans")


def migration(service_id: uuid.UUID, **kw: Any) -> MigrationFacts:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "release_id": uuid.uuid4(),
        "service_id": service_id,
        "key": "0042_split_names",
        "pre_checks": (CHECK,),
        "compensation_kind": "reverse_migration",
        "waiver_approved_by": None,
        **kw,
    }
    return MigrationFacts(**values)


def dry_run(*keys: str, succeeded: bool = True, rows: int | None = 900, errors: int = 0) -> Report:
    payload = {
        "tool": "alembic",
        "succeeded": succeeded,
        "migrations": list(keys),
        "rowsScanned": rows,
        "errors": errors,
    }
    passed = succeeded and not errors
    return Report(
        uuid.uuid4(), EvidenceType.MIGRATION_DRY_RUN, "alembic", passed, payload, T0 - timedelta(1)
    )


def promotion(*declared: MigrationFacts, runs: tuple[Report, ...] = (), **kw: Any) -> Snapshot:
    s = snapshot(**kw)
    assert s.of_release is not None
    side = dataclasses.replace(s.of_release, data_migrations=declared)
    kept = [r for kind in s.evidence.latest for r in s.evidence.of(kind)]
    evidence = summarize(s.evidence.artifact_id, [*kept, *runs])
    return dataclasses.replace(s, of_release=side, evidence=evidence)


def gate(s: Snapshot) -> tuple[GateStatus, str]:
    outcome = judge(s, T0).by_gate()["data_migrations"]
    return outcome.status, outcome.reason


def service_of(s: Snapshot) -> uuid.UUID:
    return s.service_id


class TestAReleaseWithoutDeclaredMigrations:
    def test_passes_when_it_changes_no_data(self) -> None:
        assert gate(promotion())[0] is GateStatus.PASSED

    def test_a_schema_migration_must_declare_them(self) -> None:
        s = promotion()
        assert s.of_release is not None
        release = dataclasses.replace(s.of_release.release, change_types=("data_fix",))
        s = dataclasses.replace(s, of_release=dataclasses.replace(s.of_release, release=release))
        status, reason = gate(s)
        assert status is GateStatus.PENDING
        assert "declare the data migrations" in reason


class TestEachMissingPieceBlocks:
    def test_a_safe_migration_passes(self) -> None:
        base = snapshot()
        s = promotion(
            migration(base.service_id), runs=(dry_run("0042_split_names"),), **_same(base)
        )
        assert gate(s)[0] is GateStatus.PASSED
        assert judge(s, T0).allowed

    def test_without_a_compensating_step_it_waits(self) -> None:
        base = snapshot()
        m = migration(base.service_id, compensation_kind=None)
        s = promotion(m, runs=(dry_run("0042_split_names"),), **_same(base))
        status, reason = gate(s)
        assert status is GateStatus.PENDING
        assert reason.startswith("0042_split_names: no compensating step for rollback")
        assert not judge(s, T0).allowed

    def test_an_irreversible_one_waits_for_its_waiver_approval(self) -> None:
        base = snapshot()
        waiting = migration(base.service_id, compensation_kind="irreversible")
        s = promotion(waiting, runs=(dry_run("0042_split_names"),), **_same(base))
        assert gate(s) == (
            GateStatus.PENDING,
            "0042_split_names: it is declared irreversible and the waiver is not approved yet.",
        )
        approved = dataclasses.replace(waiting, waiver_approved_by=uuid.uuid4())
        s = promotion(approved, runs=(dry_run("0042_split_names"),), **_same(base))
        assert gate(s)[0] is GateStatus.PASSED

    def test_without_a_dry_run_naming_it_it_waits(self) -> None:
        base = snapshot()
        s = promotion(migration(base.service_id), runs=(dry_run("0041_other"),), **_same(base))
        assert gate(s) == (
            GateStatus.PENDING,
            "0042_split_names: no dry run of this build names it.",
        )

    def test_a_failed_dry_run_or_one_with_errors_fails(self) -> None:
        base = snapshot()
        for run in (
            dry_run("0042_split_names", succeeded=False),
            dry_run("0042_split_names", errors=3),
        ):
            s = promotion(migration(base.service_id), runs=(run,), **_same(base))
            status, reason = gate(s)
            assert status is GateStatus.FAILED
            assert "the dry run by alembic failed" in reason

    def test_pre_checks_without_results_wait_and_a_failed_one_fails(self) -> None:
        base = snapshot()
        run = (dry_run("0042_split_names"),)
        unrun = migration(base.service_id, pre_checks=(dataclasses.replace(CHECK, passed=None),))
        assert gate(promotion(unrun, runs=run, **_same(base))) == (
            GateStatus.PENDING,
            "0042_split_names: pre-check 'no orphans' has no result on the target data.",
        )
        failing = migration(base.service_id, pre_checks=(dataclasses.replace(CHECK, passed=False),))
        assert gate(promotion(failing, runs=run, **_same(base)))[0] is GateStatus.FAILED
        none = migration(base.service_id, pre_checks=())
        assert "no pre-validation check" in gate(promotion(none, runs=run, **_same(base)))[1]

    def test_another_services_migration_is_not_this_promotions(self) -> None:
        base = snapshot()
        s = promotion(migration(uuid.uuid4(), compensation_kind=None), **_same(base))
        assert gate(s)[0] is GateStatus.PASSED

    def test_an_approved_bypass_waives_it_like_any_waivable_gate(self) -> None:
        base = snapshot()
        s = promotion(migration(base.service_id, compensation_kind=None), **_same(base))
        assert s.of_release is not None
        bypass = BypassFacts(
            uuid.uuid4(),
            s.of_release.release.id,
            s.environment_id,
            frozenset({"data_migrations"}),
            "approved",
            uuid.uuid4(),
            T0 - timedelta(hours=1),
            T0 + timedelta(hours=4),
        )
        waived = dataclasses.replace(
            s, of_release=dataclasses.replace(s.of_release, bypasses=(bypass,))
        )
        decision = judge(waived, T0)
        assert decision.by_gate()["data_migrations"].status is GateStatus.WAIVED
        assert decision.allowed


class TestTheDryRunRunsOnProductionLikeData:
    def test_a_dry_run_on_a_tenth_of_production_rows_does_not_count_under_an_80_percent_floor(
        self,
    ) -> None:
        base = snapshot()
        production = VolumeFacts(base.service_id, {"rows": 10_000}, "declared", T0)
        guardrails = {**base.guardrails, "min_production_volume_percent": 80}
        small = (dry_run("0042_split_names", rows=1_000),)
        s = promotion(
            migration(base.service_id), runs=small, **_same(base), guardrails=guardrails,
            volume=production,
        )  # fmt: skip
        status, reason = gate(s)
        assert status is GateStatus.PENDING
        assert "not on production-like data" in reason and "10%" in reason
        full = (dry_run("0042_split_names", rows=9_000),)
        s = promotion(
            migration(base.service_id), runs=full, **_same(base), guardrails=guardrails,
            volume=production,
        )  # fmt: skip
        assert gate(s)[0] is GateStatus.PASSED


def _same(base: Snapshot) -> dict[str, Any]:
    """The base snapshot's service, so declared migrations name the promoted service."""
    return {"service": base.service}


class TestDeclarationsAreChecked:
    @pytest.mark.parametrize("key", ["", " ", "-leading", "a" * 201, "has space"])
    def test_a_bad_key_is_refused(self, key: str) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_key(key)
        assert refused.value.code == "INVALID_MIGRATION_KEY"

    def test_a_reverse_migration_names_itself(self) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_compensation(Compensation("reverse_migration", " "))
        assert refused.value.code == "COMPENSATION_REFERENCE_REQUIRED"

    def test_an_irreversible_waiver_says_why(self) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_compensation(Compensation("irreversible", notes="lossy"))
        assert refused.value.code == "WAIVER_REASON_TOO_SHORT"
        kind, _, notes = rules.check_compensation(
            Compensation("irreversible", notes="Drops the legacy column; data archived first.")
        )
        assert kind == "irreversible" and notes.startswith("Drops")

    def test_an_unknown_kind_is_refused(self) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_compensation(Compensation("hope"))
        assert refused.value.code == "INVALID_COMPENSATION_KIND"

    def test_pre_checks_are_named_once_and_say_what_they_verify(self) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_pre_checks([CHECK, CHECK])
        assert refused.value.code == "INVALID_PRE_CHECK"
        with pytest.raises(DomainError):
            rules.check_pre_checks([PreCheck("x", " ")])
        with pytest.raises(DomainError) as many:
            rules.check_pre_checks([PreCheck(f"c{i}", "v") for i in range(21)])
        assert many.value.code == "TOO_MANY_PRE_CHECKS"
