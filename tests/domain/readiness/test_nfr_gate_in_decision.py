"""The nfrs gate in the production decision: judged from the snapshot's facts at the asking
time (results expire), named in the refusal, and waived by a bypass that names it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

from domain.compliance.bypass_rules import BypassFacts
from domain.environments.parity_rules import SnapshotFacts
from domain.guardrails.fields import PROFILE_DEFAULTS
from domain.kernel.gates import GateStatus
from domain.pipelines.judge import judge
from domain.pipelines.snapshot import ParityFacts, Snapshot
from domain.readiness.nfr_rules import DeclaredNfr, NfrFacts, StagingRun
from tests.domain.pipelines.test_judge import T0, snapshot

STAGING = uuid.uuid4()
CONFIG = SnapshotFacts(uuid.uuid4(), "pay", "1.0.0", "sha256:aa", 3, "sha256:bb", {"pay": "c"})
RTO = DeclaredNfr("failover_rto_seconds", "failover RTO", "s", "at_most", 300)


def with_nfrs(rto: float, days_ago: float = 1) -> Snapshot:
    s = snapshot()
    assert s.of_production is not None
    run = StagingRun(
        uuid.uuid4(),
        STAGING,
        "staging-eu",
        "chaos-1",
        None,
        T0 - timedelta(days=days_ago),
        {"failover_rto_seconds": rto},
    )
    side = dataclasses.replace(s.of_production, parity=ParityFacts(STAGING, CONFIG, CONFIG))
    return dataclasses.replace(s, of_production=side, nfrs=NfrFacts((RTO,), (run,)))


class TestTheNfrsGateInTheDecision:
    def test_a_missed_nfr_refuses_production_naming_it(self) -> None:
        decision = judge(with_nfrs(900), T0)
        assert not decision.allowed
        assert [o.gate for o in decision.outcomes if o.blocks] == ["nfrs"]
        assert decision.by_gate()["nfrs"].reason == (
            "Payments: failover RTO missed: 900 s measured, at most 300 s (run 'chaos-1' on "
            "staging-eu)."
        )

    def test_a_met_nfr_allows_it_until_the_result_expires(self) -> None:
        s = with_nfrs(240, days_ago=80)
        assert judge(s, T0).allowed
        later = judge(s, T0 + timedelta(days=11))
        assert later.by_gate()["nfrs"].status is GateStatus.PENDING

    def test_a_bypass_naming_the_gate_waives_it(self) -> None:
        s = with_nfrs(900)
        assert s.of_release is not None
        bypass = BypassFacts(
            uuid.uuid4(),
            s.of_release.release.id,
            s.environment_id,
            frozenset({"nfrs"}),
            "approved",
            uuid.uuid4(),
            T0 - timedelta(hours=1),
            T0 + timedelta(hours=4),
        )
        waived = dataclasses.replace(
            s, of_release=dataclasses.replace(s.of_release, bypasses=(bypass,))
        )
        decision = judge(waived, T0)
        assert decision.allowed
        assert decision.by_gate()["nfrs"].status is GateStatus.WAIVED

    def test_a_tier_1_service_without_runs_waits_for_every_inherited_nfr(self) -> None:
        s = snapshot(guardrails={**snapshot().guardrails, **PROFILE_DEFAULTS["critical"]})
        outcome = judge(s, T0).by_gate()["nfrs"]
        assert outcome.status is GateStatus.PENDING
        assert outcome.reason.count("not measured") == 6
