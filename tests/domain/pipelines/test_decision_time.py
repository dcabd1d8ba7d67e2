"""A decision carries the time of its facts, and its summary opens with its status.

The judge answers again and again from a cached snapshot (domain/pipelines/snapshot_cache.py):
the decision says as of when its facts were gathered, whatever the asking time.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from domain.pipelines.judge import judge
from domain.pipelines.snapshot import Snapshot, with_approvals
from domain.pipelines.snapshot_cache import SnapshotCache
from domain.pipelines.vocabulary import EvidenceType, PromotionStatus
from tests.domain.pipelines.test_control_coverage_evidence import _report, _with_evidence
from tests.domain.pipelines.test_judge import T0, snapshot


class TestADecisionIsAsOfItsSnapshot:
    def test_asked_later_from_the_same_snapshot_it_keeps_the_time_of_its_facts(self) -> None:
        s = snapshot()
        assert judge(s, T0).as_of == T0
        assert judge(s, T0 + timedelta(seconds=1)).as_of == T0

    async def test_a_cached_snapshot_answers_as_of_when_it_was_taken(self) -> None:
        cache = SnapshotCache()
        taken = []

        async def take() -> Snapshot:
            taken.append(1)
            return dataclasses.replace(snapshot(), taken_at=T0 + timedelta(seconds=len(taken)))

        first = await cache.get("ask", T0 + timedelta(seconds=1), take)
        again = await cache.get("ask", T0 + timedelta(seconds=2), take)
        later = T0 + timedelta(seconds=2)
        assert judge(again, later).as_of == judge(first, later).as_of == T0 + timedelta(seconds=1)
        fresh = await cache.get("ask", T0 + timedelta(seconds=9), take)
        assert judge(fresh, later).as_of == T0 + timedelta(seconds=2)


class TestTheSummaryOpensWithTheStatus:
    def test_allowed(self) -> None:
        decision = judge(snapshot(), T0)
        assert decision.status is PromotionStatus.ALLOWED
        assert decision.summary == "Allowed: all 25 gates pass."

    def test_waiting_when_only_pending_gates_block(self) -> None:
        s = snapshot()
        decision = judge(with_approvals(s, s.approvals[:1]), T0)
        assert decision.status is PromotionStatus.WAITING
        assert decision.summary == "Waiting: 1 of 25 gates pending: approvals."

    def test_refused_when_a_gate_failed(self) -> None:
        s = snapshot()
        scan = _report(EvidenceType.SECURITY_SCAN, "trivy", critical=3, high=0)
        decision = judge(with_approvals(_with_evidence(s, scan), s.approvals[:1]), T0)
        assert decision.status is PromotionStatus.REFUSED
        assert decision.summary == ("Refused: 2 of 25 gates block: security_scan, approvals.")
