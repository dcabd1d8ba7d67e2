"""The pure rules of incident attribution: which change most likely caused an incident, when a
person may name another, and how a tool's severity reads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.pipelines.incident_rules import severity_from
from domain.postrelease.attribution_errors import AttributionErrorCode as Code
from domain.postrelease.attribution_rules import Change, most_likely, refuse_reattribution
from domain.postrelease.attribution_vocabulary import ChangeKind

DETECTED = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
BU, SERVICE, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def change(kind: ChangeKind, minutes_before: float, service: uuid.UUID = SERVICE) -> Change:
    return Change(
        kind, uuid.uuid4(), BU, service, DETECTED - timedelta(minutes=minutes_before), kind.value
    )


class TestTheMostLikelyChange:
    def test_a_deployment_twenty_minutes_before_detection_is_the_cause(self) -> None:
        deployment = change(ChangeKind.DEPLOYMENT, 20)
        found = most_likely([deployment], SERVICE, DETECTED, 24)
        assert found.change == deployment
        assert "20 minutes before the incident was detected" in found.reason

    def test_a_flag_flip_after_the_deployment_is_the_more_likely(self) -> None:
        deployment, flip = change(ChangeKind.DEPLOYMENT, 60), change(ChangeKind.FLAG_CHANGE, 5)
        found = most_likely([deployment, flip], SERVICE, DETECTED, 24)
        assert found.change == flip
        assert "1 earlier change in the window" in found.reason

    def test_at_the_same_instant_the_deployment_goes_first(self) -> None:
        flip = change(ChangeKind.FLAG_CHANGE, 30)
        deployment = Change(ChangeKind.DEPLOYMENT, uuid.uuid4(), BU, SERVICE, flip.at, "d")
        assert most_likely([flip, deployment], SERVICE, DETECTED, 24).change == deployment

    def test_changes_after_detection_of_other_services_or_outside_the_window_do_not_count(
        self,
    ) -> None:
        later = change(ChangeKind.DEPLOYMENT, -1)
        elsewhere = change(ChangeKind.DEPLOYMENT, 5, OTHER)
        old = change(ChangeKind.CONFIGURATION, 25 * 60)
        found = most_likely([later, elsewhere, old], SERVICE, DETECTED, 24)
        assert found.change is None
        assert "in the 24 hours before" in found.reason

    def test_the_window_guardrail_changes_the_outcome(self) -> None:
        old = change(ChangeKind.VENDOR_RELEASE, 30 * 60)
        assert most_likely([old], SERVICE, DETECTED, 24).change is None
        assert most_likely([old], SERVICE, DETECTED, 48).change == old

    @given(
        st.lists(st.floats(min_value=-600, max_value=3000, allow_nan=False), max_size=12),
        st.integers(min_value=1, max_value=72),
    )
    def test_the_chosen_change_is_never_after_detection_nor_before_the_window(
        self, offsets: list[float], hours: int
    ) -> None:
        changes = [change(ChangeKind.DEPLOYMENT, m) for m in offsets]
        found = most_likely(changes, SERVICE, DETECTED, hours).change
        eligible = [c for c in changes if DETECTED - timedelta(hours=hours) <= c.at <= DETECTED]
        if not eligible:
            assert found is None
        else:
            assert found is not None and found.at == max(c.at for c in eligible)


class TestReattribution:
    @pytest.mark.parametrize(
        ("candidate", "code"),
        [
            (
                Change(ChangeKind.DEPLOYMENT, uuid.uuid4(), uuid.uuid4(), SERVICE, DETECTED, "x"),
                Code.CHANGE_OF_ANOTHER_BU,
            ),
            (change(ChangeKind.DEPLOYMENT, 5, OTHER), Code.CHANGE_OF_ANOTHER_SERVICE),
            (change(ChangeKind.FLAG_CHANGE, -10), Code.CHANGE_AFTER_DETECTION),
        ],
        ids=["another-bu", "another-service", "after-detection"],
    )
    def test_refused_with_its_code(self, candidate: Change, code: Code) -> None:
        refused = refuse_reattribution(candidate, BU, SERVICE, DETECTED)
        assert refused is not None and refused.code is code

    def test_a_change_of_the_service_before_detection_is_allowed(self) -> None:
        assert (
            refuse_reattribution(change(ChangeKind.CONFIGURATION, 90), BU, SERVICE, DETECTED)
            is None
        )

    def test_an_incident_with_no_known_service_takes_no_cause(self) -> None:
        refused = refuse_reattribution(change(ChangeKind.CONFIGURATION, 9), BU, None, DETECTED)
        assert refused is not None and refused.code is Code.INCIDENT_WITHOUT_SERVICE


class TestSeverityFromATool:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("SEV1", "SEV1"),
            ("sev2", "SEV2"),
            (3, "SEV3"),
            ("P4", "SEV4"),
            ("critical", "SEV1"),
            ("High", "SEV2"),
            ("low", "SEV4"),
            ("sev9", None),
            (None, None),
            (True, None),
            ("", None),
        ],
    )
    def test_read_or_left_unrated(self, value: object, expected: str | None) -> None:
        assert severity_from(value) == expected
