"""No control is configured and silently ignored: the catalogs are enumerated, not hand-listed.

- Every field of the guardrail catalog (domain/guardrails/fields.py): under the most permissive
  guardrails the scenario of control_probes passes; the field alone set to its strictest value
  makes some probe refuse something. A field that refuses nothing says why in the catalog
  (`advisory=`), and then tightening it must indeed refuse nothing.
- Every requirement of the risk model, tightened at the scenario's risk level.
- Every gate a pipeline stage may list: listing it tightens a promotion that passes without
  the listing, or the gate is judged whether listed or not (`JUDGED_WHETHER_LISTED`, with why).

A new catalog field, requirement or gate key without an enforcing rule fails here; the planted
ones below show it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import pytest

from domain.guardrails.fields import FIELDS, Field
from domain.guardrails.lattice import Strictness
from domain.kernel.gates import GateStatus
from domain.kernel.vocabulary import EnvironmentKind
from domain.organization.vocabulary import Discipline
from domain.pipelines.definition_rules import GATES
from domain.pipelines.evidence_gates import summarize
from domain.pipelines.judge import judge
from domain.pipelines.snapshot import Snapshot
from domain.pipelines.stage_gates import JUDGED_WHETHER_LISTED, StageListing
from domain.pipelines.vocabulary import EvidenceType
from domain.risk.model import DEFAULT_MODEL, STRICTNESS, Requirement, RiskMapping
from tests.domain.pipelines import control_probes as probes
from tests.domain.pipelines.test_judge import T0

PERMISSIVE: dict[str, Any] = {key: probes.loosest(f) for key, f in FIELDS.items()}
LEVEL = "low"
"""The scenario's release is a low-risk one."""


def unenforced(fields: Iterable[Field]) -> list[str]:
    """The controls (fields not advisory) whose strictest value alone refuses nothing."""
    out = []
    for f in fields:
        values = {**PERMISSIVE, f.key: probes.strictest(f)}
        if not f.advisory and not probes.refusals(values):
            out.append(f.key)
    return out


PLANTED = Field(
    "min_release_notes_words",
    Strictness.AT_LEAST,
    "Words a release note needs, at least (read by no gate).",
    minimum=0,
    maximum=500,
)


class TestEveryGuardrailFieldIsEnforced:
    def test_the_scenario_passes_under_the_most_permissive_guardrails(self) -> None:
        assert probes.refusals(PERMISSIVE) == frozenset()

    @pytest.mark.parametrize("key", sorted(FIELDS))
    def test_tightening_the_field_alone_refuses_something_unless_it_is_advisory(
        self, key: str
    ) -> None:
        f = FIELDS[key]
        refused = probes.refusals({**PERMISSIVE, key: probes.strictest(f)})
        if f.advisory:
            assert refused == frozenset(), f"{key} is documented as advisory but refuses"
        else:
            assert refused, f"{key} is configured but no rule enforces it"

    def test_the_catalog_has_no_unenforced_control(self) -> None:
        assert unenforced(FIELDS.values()) == []

    def test_a_planted_field_no_gate_reads_fails_the_coverage(self) -> None:
        assert unenforced([*FIELDS.values(), PLANTED]) == ["min_release_notes_words"]
        documented = dataclasses.replace(PLANTED, advisory="Shown on the release page only.")
        assert unenforced([documented]) == []

    def test_an_advisory_field_says_why(self) -> None:
        advisory = {k: f.advisory for k, f in FIELDS.items() if f.advisory}
        # support rotations (issue 17): the secondary's hours decide who watches a release
        # (tests/domain/support/test_watcher_rules.py), never whether a promotion may go
        assert len(advisory.pop("release_secondary_hours", "")) > 40
        assert set(advisory) == {"approval_delegates"}
        assert all(len(why) > 40 for why in advisory.values())

    def test_what_a_few_tightened_fields_refuse(self) -> None:
        def refused(key: str) -> frozenset[str]:
            return probes.refusals({**PERMISSIVE, key: probes.strictest(FIELDS[key])})

        assert refused("max_open_critical_vulnerabilities") >= {
            "production: security_scan failed",
            "development: security_scan failed",
        }
        assert refused("min_approvers.staging") == {"staging: approvals pending"}
        assert refused("go_no_go_disciplines") == {"go/no-go: no_quorum"}
        assert refused("freeze_exceptions_allowed") == {"FREEZE_EXCEPTIONS_NOT_ALLOWED"}
        assert refused("max_bypass_hours") == {"BYPASS_TOO_LONG"}
        assert refused("canary_max_saturation_percent") == {"canary: roll_back"}
        assert refused("promotion_wait_expiry_hours") == {"PROMOTION_EXPIRED"}
        assert refused("unauthorized_change_alert") == {"unauthorized change alerted"}
        assert refused("nfr_max_failover_rto_seconds") == {"nfrs: failed"}
        assert refused("nfr_min_sustained_rps") == {"nfrs: failed"}
        assert refused("nfr_result_max_age_days") == {"nfrs: pending"}
        assert refused("nfr_required") == {"nfrs: pending", "production: nfrs pending"}
        # The scenario's benchmark reports no volume: under a volume floor it does not count.
        assert refused("min_production_volume_percent") == {
            f"{kind}: performance pending" for kind in EnvironmentKind
        }
        assert refused("readiness_review_required") == {"production: readiness_review pending"}
        assert refused("readiness_review_change_types") == {"production: readiness_review pending"}
        assert refused("runbook_review_max_age_days") == {"readiness review pending"}
        assert refused("downtime_notice_period_hours") == {"production: downtime_notices pending"}
        # The scenario's service never reached production: even its signed release review
        # leaves the first launch waiting for the service's own review.
        assert refused("first_launch_review_required") == {
            "production: readiness_review pending",
            "readiness review pending",
        }
        # issue 17: a wider attribution window, a lower severity bar, fewer days to finish
        assert refused("incident_attribution_window_hours") == {
            "post-mortem owed for the SEV1 incident"
        }
        assert refused("postmortem_min_severity") == {"post-mortem owed for the SEV3 incident"}
        assert refused("postmortem_due_days") == {"post-mortem overdue"}
        # issue 17: the 24-hour review lists a 5 % worse error rate and a 3 % slower p99 at 0 %
        assert refused("post_release_regression_tolerance_pct") == {
            "post-release regression: error_rate",
            "post-release regression: latency_p99",
        }
        assert refused("journey_regression_rollback") == {"journey regression rolled back"}


def strictest_requirement(key: Requirement, current: Any) -> Any:
    """The strictest value of a risk-level requirement the scenario can be asked for."""
    match STRICTNESS[key]:
        case Strictness.AT_LEAST:
            return 10_000 if key is Requirement.CANARY_MINUTES else 20
        case Strictness.REQUIRE:
            return True
        case Strictness.SUPERSET if key is Requirement.DISCIPLINES:
            return tuple(d.value for d in Discipline)
        case Strictness.SUPERSET:
            return (*current, "end_to_end")
    raise AssertionError(key)


def tightened(key: Requirement) -> RiskMapping:
    mapping = DEFAULT_MODEL.mapping
    requirements = dict(mapping.requirements)
    level = next(lv for lv in requirements if lv.value == LEVEL)
    current = requirements[level].get(key)
    requirements[level] = requirements[level].with_value(key, strictest_requirement(key, current))
    return dataclasses.replace(mapping, requirements=requirements)


class TestEveryRiskRequirementIsEnforced:
    @pytest.mark.parametrize("key", list(Requirement))
    def test_tightening_the_requirement_of_the_releases_level_refuses_something(
        self, key: Requirement
    ) -> None:
        assert probes.refusals(PERMISSIVE, tightened(key)), f"risk requirement {key} is ignored"

    def test_what_the_tightened_requirements_refuse(self) -> None:
        production = {
            key: {r for r in probes.refusals(PERMISSIVE, tightened(key)) if "production" in r}
            for key in Requirement
        }
        assert production == {
            Requirement.TEST_SUITES: {"production: risk_requirements pending"},
            Requirement.MIN_APPROVALS: {"production: approvals pending"},
            Requirement.DISCIPLINES: {"production: approvals pending"},
            Requirement.PEER_REVIEW: {"production: peer_review pending"},
            Requirement.BOARD_DECISION: {"production: board_decision pending"},
            Requirement.CANARY_MINUTES: set(),
        }
        assert probes.refusals(PERMISSIVE, tightened(Requirement.CANARY_MINUTES)) == {
            "CANARY_TOO_SHORT"
        }


def listing(gate: str) -> StageListing:
    return StageListing("payments-deploy", 3, "production", (gate,))


def bare() -> Snapshot:
    """The permissive scenario's production promotion with no evidence but the unit tests its
    risk level requires (it passes with nothing listed)."""
    s = probes.scenario(PERMISSIVE, DEFAULT_MODEL.mapping, EnvironmentKind.PRODUCTION)
    unit = probes.report(EvidenceType.TEST_RUN, "unit", succeeded=True)
    return dataclasses.replace(s, evidence=summarize(s.evidence.artifact_id, [unit]))


def unlisted_gates_ignored(keys: Iterable[str]) -> list[str]:
    """The gate keys a stage may list whose listing tightens nothing and that are not declared
    as judged whether listed or not."""
    s = bare()
    out = []
    for gate in keys:
        listed = judge(dataclasses.replace(s, stage_listings=(listing(gate),)), T0)
        if listed.allowed and gate not in JUDGED_WHETHER_LISTED:
            out.append(gate)
    return out


class TestEveryGateAStageMayListIsEnforced:
    def test_the_bare_production_promotion_passes(self) -> None:
        assert judge(bare(), T0).allowed

    @pytest.mark.parametrize("gate", GATES)
    def test_a_listed_gate_blocks_or_is_judged_whether_listed(self, gate: str) -> None:
        s = bare()
        listed = judge(dataclasses.replace(s, stage_listings=(listing(gate),)), T0)
        if gate in JUDGED_WHETHER_LISTED:
            assert listed.allowed, f"{gate} is declared judged whether listed, yet listing bites"
            assert gate in judge(s, T0).by_gate()
        else:
            outcome = listed.by_gate()[gate]
            assert outcome.status in (GateStatus.PENDING, GateStatus.FAILED)
            assert outcome.evidence["listedBy"] == listing(gate).label

    def test_a_planted_gate_key_no_rule_reads_fails_the_coverage(self) -> None:
        assert unlisted_gates_ignored([*GATES, "release_notes"]) == ["release_notes"]

    def test_every_declared_gate_says_why(self) -> None:
        assert set(JUDGED_WHETHER_LISTED) <= set(GATES)
        assert all(len(why) > 30 for why in JUDGED_WHETHER_LISTED.values())
