"""Probes for the control-coverage test: every place a control is enforced, as a function of the
effective guardrail values (and of the risk model's requirements) answering what it refuses.

One scenario passes under the most permissive controls: a promotion of `pay` to an environment
of each kind, with evidence, approvals, onboarding, vendors and DR tests that are good but not
perfect (one critical vulnerability, 70 % coverage, a 5 % slow-down, ...), a go/no-go session
where engineering and product vote go, a 12-hour bypass reviewed after 3 days, a freeze
exception, a canary step that is healthy but not spotless and a promotion still waiting 3 days
after it was requested. Each probe runs the production
rule over that scenario and names every refusal; a control is enforced when tightening it alone
makes some probe refuse something.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from domain.calendar import rules as calendar_rules
from domain.compliance import bypass_rules
from domain.compliance.dr_rules import ProcedureFacts
from domain.environments.facts import EnvironmentFacts
from domain.environments.parity_rules import SnapshotFacts
from domain.governance import board_rules
from domain.governance.vocabulary import SessionOutcome, VoteChoice
from domain.guardrails.effective import EffectiveGuardrails, effective_values
from domain.guardrails.facts import go_no_go_disciplines
from domain.guardrails.fields import Field
from domain.guardrails.lattice import Strictness
from domain.guardrails.onboarding_rules import Evidence, OnboardingFacts
from domain.guardrails.rules import Layer
from domain.guardrails.vocabulary import OnboardingItem, RiskLevel
from domain.kernel.errors import DomainError
from domain.kernel.vocabulary import EnvironmentKind
from domain.organization.vendor_gate_rules import VendorFacts
from domain.organization.vendor_rules import AttestationFacts
from domain.organization.vocabulary import Tier
from domain.pipelines import deployment_rules, health_rules, unauthorized_rules
from domain.pipelines import promotion_lifecycle as lifecycle
from domain.pipelines.drift import RunFacts
from domain.pipelines.evidence_gates import Report, summarize
from domain.pipelines.judge import judge
from domain.pipelines.promotion_models import Promotion
from domain.pipelines.snapshot import ParityFacts, ProductionSide, Snapshot
from domain.pipelines.vocabulary import (
    DriftKind,
    EvidenceType,
    PromotionStatus,
    StepKind,
    Verdict,
)
from domain.postrelease import attribution_rules, journey_rules, postmortem_rules
from domain.postrelease import review_rules as post_release_rules
from domain.postrelease.attribution_vocabulary import ChangeKind
from domain.readiness.nfr_rules import DeclaredNfr, NfrFacts, StagingRun
from domain.readiness.notice_rules import PERIOD_KEY, NoticeFacts, RecipientFacts
from domain.readiness.review_launch import LaunchFacts, ProductionHistory
from domain.readiness.review_rules import ItemFacts, ReviewFacts
from domain.readiness.review_vocabulary import ItemKind
from domain.risk.assessment_rules import RiskInputs, RiskResult, assess
from domain.risk.model import DEFAULT_MODEL, RiskMapping
from domain.risk.scoring import RiskFacts
from tests.domain.pipelines.test_judge import BU, T0, _release, snapshot

Values = Mapping[str, Any]
Probe = Callable[[Values, RiskMapping], frozenset[str]]
"""What the rule refuses under these guardrail values and this risk mapping (empty: passes)."""

LICENCES = ("Apache-2.0", "MIT")
"""The licences the scenario's dependencies use: the strictest SPDX sets name them."""
APPROVERS = ("approver", "lead")
"""The people who approve in the scenario: the strictest set of usernames names them."""


def extremes(field: Field) -> tuple[Any, Any]:
    """The most permissive and the strictest value the catalog allows for the field (an open
    set at its strictest names what the scenario uses)."""
    match field.strictness:
        case Strictness.AT_LEAST:
            return field.minimum, field.maximum
        case Strictness.AT_MOST:
            return field.maximum, field.minimum
        case Strictness.SUPERSET if field.members is not None:
            return [], list(field.members)
        case Strictness.SUPERSET:
            return [], list(APPROVERS if field.names else LICENCES)
        case Strictness.SUBSET:
            return None, []
        case Strictness.REQUIRE:
            return False, True
        case Strictness.PERMIT:
            return True, False
        case Strictness.LEVEL_AT_MOST:
            return RiskLevel.CRITICAL.value, RiskLevel.LOW.value
    raise AssertionError(field.strictness)


def loosest(field: Field) -> Any:
    return extremes(field)[0]


def strictest(field: Field) -> Any:
    return extremes(field)[1]


def _effective(values: Values) -> EffectiveGuardrails:
    return EffectiveGuardrails(
        uuid.uuid4(), BU, "internal", None, effective_values([Layer("core", 0, values)])
    )


def report(kind: EvidenceType, subject: str, **payload: Any) -> Report:
    return Report(uuid.uuid4(), kind, subject, True, payload, T0 - timedelta(hours=1))


EVIDENCE = summarize(
    uuid.uuid4(),
    [
        report(EvidenceType.SECURITY_SCAN, "trivy", critical=1, high=1),
        report(EvidenceType.TEST_RUN, "unit", succeeded=True, coveragePercent=70),
        report(EvidenceType.LICENCE_REPORT, "scancode", licences=list(LICENCES)),
        report(EvidenceType.PERFORMANCE_BENCHMARK, "checkout", regressionPercent=5),
    ],
)
"""Good but not perfect evidence; no static analysis was reported."""


def _production_side(team: uuid.UUID) -> ProductionSide:
    done = {
        item.value: Evidence(item.value, "https://x.example/e", "", T0.isoformat(), None)
        for item in OnboardingItem
        if item is not OnboardingItem.ON_CALL
    }
    tested = T0 - timedelta(days=10)
    soc2 = AttestationFacts(uuid.uuid4(), "soc2", T0 - timedelta(days=1), T0 + timedelta(days=90))
    return ProductionSide(
        onboarding=OnboardingFacts(team, "payments", BU, done),
        vendors=(VendorFacts(uuid.uuid4(), "Acme", (soc2,)),),
        dr_procedures=(
            ProcedureFacts(uuid.uuid4(), "service_reversion", "Revert", tested),
            ProcedureFacts(uuid.uuid4(), "data_restoration", "Restore", tested),
        ),
    )


def _risk(release_id: uuid.UUID, values: Values, mapping: RiskMapping) -> RiskResult:
    inputs = RiskInputs(release_id, BU, RiskFacts(), DEFAULT_MODEL, mapping, 0)
    return assess(inputs, [_effective(values)])


def scenario(values: Values, mapping: RiskMapping, kind: EnvironmentKind) -> Snapshot:
    """The scenario's promotion to an environment of `kind`, its release assessed as gather does
    (the risk over the effective guardrails of the services it ships)."""
    base = snapshot(
        guardrails=dict(values),
        evidence=EVIDENCE,
        pipeline_runs=(
            (uuid.uuid4(), RunFacts("r", "sha256:ab", DriftKind.DRIFT, "Old.", 1, 2, T0)),
        ),
    )
    assert base.of_release is not None
    release = _release()
    side = dataclasses.replace(
        base.of_release,
        release=release,
        risk=_risk(release.id, values, mapping),
        go_no_go_disciplines=go_no_go_disciplines([_effective(values)]),
    )
    environment = EnvironmentFacts(uuid.uuid4(), f"{kind}-eu", kind.value, BU, "pay")
    return dataclasses.replace(
        base,
        environment=environment,
        of_release=side,
        of_production=_production_side(base.service.team_id),
        # A service that never reached production: its first launch.
        launch=LaunchFacts(ProductionHistory(base.service.id)),
    )


def decision_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """The promotion decision to an environment of every kind: each gate that blocks."""
    refused = set()
    for kind in EnvironmentKind:
        decision = judge(scenario(values, mapping, kind), T0)
        blocking = {f"{kind}: {o.gate} {o.status}" for o in decision.outcomes if o.blocks}
        assert decision.allowed is not blocking
        refused |= blocking
    return frozenset(refused)


def go_no_go_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """A go/no-go session where engineering and product vote go (one vote for quorum)."""
    votes = [
        board_rules.Ballot(name, discipline, VoteChoice.GO)
        for name, discipline in (("Erin", "engineering"), ("Pia", "product"))
    ]
    disciplines = go_no_go_disciplines([_effective(values)])
    outcome = board_rules.decide(
        board_rules.BoardRule(1, 1, frozenset(), frozenset(), disciplines), votes
    ).outcome
    return frozenset() if outcome is SessionOutcome.GO else frozenset({f"go/no-go: {outcome}"})


def _refusal(check: Callable[[], object]) -> set[str]:
    try:
        check()
    except DomainError as refused:
        return {str(refused.code)}
    return set()


def bypass_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """A 12-hour bypass of the release, and its review still open 3 days after approval."""
    service = uuid.uuid4()
    hours = bypass_rules.tightest({service: int(values["max_bypass_hours"])})
    refused = _refusal(lambda: bypass_rules.check_duration(12, hours))
    due = bypass_rules.review_due(
        T0, bypass_rules.tightest({service: values["bypass_review_due_days"]})
    )
    if bypass_rules.overdue(None, due, T0 + timedelta(days=3)):
        refused.add("bypass review overdue")
    return frozenset(refused)


def freeze_exception_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """A freeze exception for a release shipping the service."""
    allowed = bool(values["freeze_exceptions_allowed"])
    return frozenset(
        _refusal(lambda: calendar_rules.check_exceptions_allowed(allowed, "pay", "core"))
    )


CANARY = health_rules.Metrics(error_rate=0.005, latency_p99_ms=110.0, saturation=0.5)
CANARY_BASELINE = health_rules.Metrics(error_rate=0.004, latency_p99_ms=100.0, saturation=0.4)


def canary_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """A production canary of a low-risk release dwelling 5 minutes, healthy but not spotless
    (0.5 % errors, 0.1 points over the baseline, 10 % slower, 50 % saturated)."""
    thresholds = health_rules.thresholds_from(health_rules.guardrail_thresholds(values))
    analysis = health_rules.analyze(CANARY, CANARY_BASELINE, thresholds)
    refused = {f"canary: {analysis.verdict}"} if analysis.verdict is not Verdict.ADVANCE else set()
    plan = [
        deployment_rules.Step(StepKind.CANARY, 10, 5),
        deployment_rules.Step(StepKind.CANARY, 100, 30),
    ]
    minimum = _risk(uuid.uuid4(), values, mapping).requirements.canary_minutes
    refused |= _refusal(lambda: deployment_rules.check_canary_minutes(plan, "low", minimum))
    return frozenset(refused)


def waiting_promotion_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """A promotion requested with these guardrails, still waiting 3 days later, approved."""
    expires_at = lifecycle.expiry(T0, int(values[lifecycle.EXPIRY_KEY]))
    waiting = Promotion(status=PromotionStatus.WAITING.value, expires_at=expires_at)
    return frozenset(_refusal(lambda: lifecycle.check_open(waiting, T0 + timedelta(days=3))))


def unauthorized_change_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """A production deployment no allowed promotion covers: recorded for review either way;
    whether it also raises an incident-like alert is the control."""
    alerted = unauthorized_rules.raises_alert(_effective(values))
    return frozenset({"unauthorized change alerted"} if alerted else ())


FINAL_STAGING = uuid.uuid4()
CONFIG = SnapshotFacts(uuid.uuid4(), "pay", "1.0.0", "sha256:aa", 3, "sha256:bb", {"pay": "c"})
DECLARED_NFRS = (
    DeclaredNfr("sustained_rps", "sustained load", "rps", "at_least", 500),
    DeclaredNfr("peak_rps", "peak load", "rps", "at_least", 1000),
    DeclaredNfr("latency_p99_ms", "latency p99 under load", "ms", "at_most", 400),
    DeclaredNfr("error_rate_bp", "error budget under load", "bp", "at_most", 50),
    DeclaredNfr("failover_rto_seconds", "failover RTO", "s", "at_most", 600),
    DeclaredNfr("failover_rpo_seconds", "failover RPO", "s", "at_most", 60),
)
STAGING_RUN = StagingRun(
    uuid.uuid4(),
    FINAL_STAGING,
    "staging-eu",
    "load-and-failover",
    None,
    T0 - timedelta(days=3),
    {
        "sustained_rps": 800,
        "peak_rps": 1500,
        "latency_p99_ms": 250,
        "error_rate_bp": 20,
        "failover_rto_seconds": 240,
        "failover_rpo_seconds": 30,
    },
)
"""Met with room to spare by a run three days ago; a zone's loss was never exercised."""


def nfr_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """The production promotion with a final staging at parity, where the service declares
    NFRs that a staging run three days ago met (the decision probe's service declares none)."""
    base = scenario(values, mapping, EnvironmentKind.PRODUCTION)
    assert base.of_production is not None
    side = dataclasses.replace(
        base.of_production, parity=ParityFacts(FINAL_STAGING, CONFIG, CONFIG)
    )
    s = dataclasses.replace(base, of_production=side, nfrs=NfrFacts(DECLARED_NFRS, (STAGING_RUN,)))
    outcome = judge(s, T0).by_gate()["nfrs"]
    return frozenset({f"nfrs: {outcome.status}"} if outcome.blocks else ())


def readiness_review_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """The production promotion of a release whose readiness review an SRE signed off, its
    runbook reviewed 10 days ago and every other item's evidence fresh."""
    s = scenario(values, mapping, EnvironmentKind.PRODUCTION)
    assert s.of_release is not None
    checked, expires = T0 - timedelta(days=10), T0 + timedelta(days=30)
    items = tuple(
        ItemFacts(f"sre.{kind}", kind.value, kind.value, "https://x.example/e", checked, expires)
        for kind in ItemKind
    )
    review = ReviewFacts(uuid.uuid4(), s.of_release.release.id, "signed_off", uuid.uuid4(), items)
    side = dataclasses.replace(s.of_release, readiness_review=review)
    gate = judge(dataclasses.replace(s, of_release=side), T0).by_gate()["readiness_review"]
    return frozenset({f"readiness review {gate.status}"} if gate.blocks else ())


SILENT_NOTICE = NoticeFacts(
    uuid.uuid4(),
    "breaking",
    T0 - timedelta(days=3),
    T0 - timedelta(hours=1),
    (RecipientFacts(uuid.uuid4(), T0 - timedelta(days=2)), RecipientFacts(uuid.uuid4(), None)),
)
"""A breaking release's notice issued 3 days ago: one team acknowledged, one stayed silent and
was escalated an hour ago."""


def downtime_notice_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """The scenario's production promotion of a release announcing that breaking change (the
    notice period is the longest of the shipped services' guardrails, as gathered)."""
    s = scenario(values, mapping, EnvironmentKind.PRODUCTION)
    assert s.of_release is not None
    side = dataclasses.replace(
        s.of_release,
        downtime_notice=SILENT_NOTICE,
        downtime_notice_period_hours=int(values[PERIOD_KEY]),
    )
    decision = judge(dataclasses.replace(s, of_release=side), T0)
    return frozenset(f"production: {o.gate} {o.status}" for o in decision.outcomes if o.blocks)


def post_mortem_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """Issue 17: a SEV3 incident detected 30 minutes after its service's deployment, a SEV1
    detected 30 hours after another (attributed within the window, severe enough: a post-mortem
    is owed), and a post-mortem opened 3 days ago still open (overdue after its due days)."""
    service = uuid.UUID(int=17)
    owed = set()
    window = int(values[attribution_rules.WINDOW_KEY])
    for severity, hours in (("SEV3", 0.5), ("SEV1", 30)):
        at = T0 - timedelta(hours=hours)
        deployment = attribution_rules.Change(ChangeKind.DEPLOYMENT, service, BU, service, at, "d")
        found = attribution_rules.most_likely([deployment], service, T0, window)
        threshold = int(values[postmortem_rules.THRESHOLD_KEY])
        if postmortem_rules.needs_post_mortem(severity, found.change is not None, threshold):
            owed.add(f"post-mortem owed for the {severity} incident")
    due = postmortem_rules.due_at(T0 - timedelta(days=3), int(values[postmortem_rules.DUE_KEY]))
    if postmortem_rules.is_overdue("open", due, T0):
        owed.add("post-mortem overdue")
    return frozenset(owed)


POST_RELEASE_READINGS = (
    post_release_rules.Reading("error_rate", 0.010, 0.0105),
    post_release_rules.Reading("latency_p99", 0.200, 0.206),
)
"""The day after a deployment: 5 % more errors, 3 % slower than the day before."""


def post_release_review_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """The 24-hour review of a production deployment whose metrics got a little worse: what the
    tolerance lets through is not listed as a regression."""
    tolerance = float(values[post_release_rules.TOLERANCE_KEY])
    found = post_release_rules.regressions(POST_RELEASE_READINGS, tolerance)
    return frozenset(f"post-release regression: {i['key']}" for i in found)


# postrelease: synthetic journeys (issue 17)
def journey_regression_probe(values: Values, mapping: RiskMapping) -> frozenset[str]:
    """A journey of every tier that passed before a production deployment and fails after it:
    recorded either way; whether it rolls the deployment back is the control."""
    tiers = _effective(values).values[journey_rules.GUARDRAIL].value or []
    rolled = [t for t in Tier if journey_rules.rolls_back(tiers, t.value)]
    return frozenset({"journey regression rolled back"} if rolled else ())


PROBES: tuple[Probe, ...] = (
    decision_probe,
    go_no_go_probe,
    bypass_probe,
    freeze_exception_probe,
    canary_probe,
    waiting_promotion_probe,
    unauthorized_change_probe,
    nfr_probe,
    readiness_review_probe,
    downtime_notice_probe,
    post_mortem_probe,
    post_release_review_probe,
    journey_regression_probe,
)
"""Every place a control is enforced."""


def refusals(values: Values, mapping: RiskMapping = DEFAULT_MODEL.mapping) -> frozenset[str]:
    """What the scenario has refused, over every probe."""
    return frozenset().union(*(probe(values, mapping) for probe in PROBES))
