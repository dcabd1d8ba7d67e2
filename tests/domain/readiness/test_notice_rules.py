"""The pure rules of downtime communication: the audience through the graph, and the gate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.readiness import notice_rules as rules
from domain.readiness.notice_rules import NoticeFacts, RecipientFacts

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)
A, B, C, D, E = (uuid.uuid4() for _ in range(5))


class TestTheAudienceIsEveryConsumerTransitively:
    def test_a_chain_and_a_diamond_reach_every_consumer_once(self) -> None:
        # B and C consume A; D consumes B and C; E consumes nothing of A's.
        edges = [(B, A), (C, A), (D, B), (D, C), (A, E)]
        assert rules.downstream({A}, edges) == {B, C, D}

    def test_a_cycle_through_the_shipped_service_ends(self) -> None:
        assert rules.downstream({A}, [(B, A), (A, B), (C, B)]) == {B, C}

    @given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=30))
    def test_every_consumer_of_a_reached_service_is_reached(
        self, pairs: list[tuple[int, int]]
    ) -> None:
        ids = [uuid.UUID(int=i + 1) for i in range(8)]
        edges = [(ids[c], ids[p]) for c, p in pairs if c != p]
        shipped = {ids[0]}
        reached = rules.downstream(shipped, edges)
        assert not reached & shipped
        for consumer, provider in edges:
            if provider in reached | shipped and consumer not in shipped:
                assert consumer in reached

    def test_teams_are_told_of_the_services_they_own(self) -> None:
        t1, t2 = uuid.uuid4(), uuid.uuid4()
        told = rules.teams_to_tell({B: t1, C: t2, D: t1})
        assert told == {t1: sorted([B, D], key=str), t2: [C]}


def notice(*acks: datetime | None, escalated: datetime | None = None) -> NoticeFacts:
    recipients = tuple(RecipientFacts(uuid.uuid4(), at) for at in acks)
    return NoticeFacts(uuid.uuid4(), "breaking", T0, escalated, recipients)


class TestTheGate:
    def test_no_notice_passes(self) -> None:
        assert rules.notice_gate(None, 48, T0).status is GateStatus.PASSED

    def test_waits_for_every_team_within_the_period(self) -> None:
        outcome = rules.notice_gate(notice(T0, None), 48, T0 + timedelta(hours=1))
        assert outcome.status is GateStatus.PENDING
        assert len(outcome.evidence["unacknowledged"]) == 1

    def test_passes_once_every_team_acknowledged(self) -> None:
        outcome = rules.notice_gate(notice(T0, T0), 48, T0 + timedelta(hours=1))
        assert outcome.status is GateStatus.PASSED

    def test_after_the_period_silence_must_be_escalated(self) -> None:
        late = T0 + timedelta(hours=49)
        assert rules.notice_gate(notice(None), 48, late).status is GateStatus.PENDING
        escalated = notice(None, escalated=late)
        assert rules.notice_gate(escalated, 48, late).status is GateStatus.PASSED
        # A longer period (tightened guardrail) makes the same escalation too early.
        assert rules.notice_gate(escalated, 72, late).status is GateStatus.PENDING


class TestInputs:
    @pytest.mark.parametrize("bad", ["", "nobody", "a@", "@b.example", "a b@c.example", "x@y..z,"])
    def test_not_an_email(self, bad: str) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_email(bad)
        assert refused.value.code == "INVALID_EMAIL"

    def test_a_window_longer_than_two_weeks_or_over_is_refused(self) -> None:
        for start, end in (
            (T0, T0 + timedelta(days=15)),
            (T0 - timedelta(days=2), T0 - timedelta(days=1)),
        ):
            with pytest.raises(DomainError) as refused:
                rules.check_window(start, end, T0)
            assert refused.value.code == "INVALID_WINDOW"
