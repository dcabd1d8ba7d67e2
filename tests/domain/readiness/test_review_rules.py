"""The pure rules of SRE readiness reviews: checklist templates, the checklist, what is missing,
and the `readiness_review` gate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.readiness import review_rules as rules
from domain.readiness.review_rules import ItemFacts, ReviewFacts, ReviewNeed, TemplateFacts
from domain.readiness.review_vocabulary import ItemKind

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
AUTHOR = uuid.uuid4()
SRE = uuid.uuid4()


def item(kind: ItemKind, *, checked_days: float | None = 1, expires_days: float = 30) -> ItemFacts:
    checked = None if checked_days is None else NOW - timedelta(days=checked_days)
    return ItemFacts(
        f"sre.{kind.value}",
        kind.value,
        kind.value.title(),
        None if checked is None else "https://e.example/x",
        checked,
        None if checked is None else NOW + timedelta(days=expires_days),
    )


def review(*items: ItemFacts, signer: uuid.UUID | None = SRE) -> ReviewFacts:
    status = "signed_off" if signer else "open"
    return ReviewFacts(uuid.uuid4(), uuid.uuid4(), status, signer, items)


def template(key: str, org: bool, tiers: tuple[str, ...] = (), n: int = 2) -> TemplateFacts:
    items = tuple(
        {"key": f"i{k}", "kind": "other", "title": f"Item {k}", "valid_days": 30} for k in range(n)
    )
    return TemplateFacts(uuid.uuid4(), key, 1, org, tiers, items)


REQUIRED = ReviewNeed(("the service's guardrails require one",), 90)


class TestTemplateItemsAreChecked:
    def test_items_are_kept_with_their_defaults(self) -> None:
        got = rules.check_items([{"key": "runbook", "kind": "runbook", "title": " Runbook "}])
        assert got == [{"key": "runbook", "kind": "runbook", "title": "Runbook", "valid_days": 90}]

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ([], "INVALID_ITEMS"),
            ([{"key": "Bad Key", "kind": "other", "title": "T"}], "INVALID_ITEMS"),
            ([{"key": "ok", "kind": "pager", "title": "T"}], "UNKNOWN_ITEM_KIND"),
            ([{"key": "ok", "kind": "other", "title": ""}], "INVALID_ITEMS"),
            ([{"key": "ok", "kind": "other", "title": "T", "valid_days": 731}], "INVALID_ITEMS"),
            ([{"key": "ok", "kind": "other", "title": "T"}] * 2, "INVALID_ITEMS"),
        ],
    )
    def test_bad_items_are_refused_with_a_stable_code(self, raw: Any, code: str) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_items(raw)
        assert refused.value.code == code

    def test_an_unknown_tier_is_refused(self) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_tiers(["tier-9"])
        assert refused.value.code == "UNKNOWN_TIER"


class TestTheChecklist:
    def test_org_templates_come_first_then_the_bus_and_tiers_filter(self) -> None:
        got = rules.checklist(
            [
                template("zz-bu", False),
                template("aa-org", True),
                template("critical-only", True, ("critical",)),
            ],
            {"internal"},
        )
        assert [s.key for s in got] == ["aa-org.i0", "aa-org.i1", "zz-bu.i0", "zz-bu.i1"]

    @given(st.lists(st.booleans(), min_size=1, max_size=6))
    def test_a_bu_template_only_adds_items_to_the_orgs(self, orgs: list[bool]) -> None:
        templates = [template(f"t{n}", org) for n, org in enumerate(orgs)]
        with_bu = rules.checklist([*templates, template("bu-extra", False)], {"internal"})
        without = rules.checklist(templates, {"internal"})
        assert set(without) < set(with_bu)


class TestWhatIsMissing:
    def test_each_item_is_named_with_why(self) -> None:
        items = [
            item(ItemKind.MONITORING, checked_days=None),
            item(ItemKind.ALERTING, expires_days=-1),
            item(ItemKind.RUNBOOK, checked_days=91),
            item(ItemKind.ON_CALL),
        ]
        assert rules.missing(items, NOW, 90) == [
            "Monitoring (sre.monitoring): no evidence",
            "Alerting (sre.alerting): evidence expired",
            "Runbook (sre.runbook): last reviewed more than 90 days ago",
        ]

    @given(st.integers(min_value=1, max_value=730), st.integers(min_value=0, max_value=800))
    def test_a_runbook_is_stale_exactly_when_older_than_the_guardrail(
        self, max_age: int, age: int
    ) -> None:
        got = rules.missing(
            [item(ItemKind.RUNBOOK, checked_days=age, expires_days=1)], NOW, max_age
        )
        assert bool(got) is (age > max_age)

    def test_evidence_expires_with_its_validity_or_earlier_when_asked(self) -> None:
        assert rules.expiry(NOW, 30, None) == NOW + timedelta(days=30)
        assert rules.expiry(NOW, 30, NOW + timedelta(days=5)) == NOW + timedelta(days=5)
        assert rules.expiry(NOW, 30, NOW + timedelta(days=90)) == NOW + timedelta(days=30)


class TestTheNeed:
    def test_the_guardrails_the_change_types_and_a_listing_each_require_a_review(self) -> None:
        assert not rules.need({}, ["ui"], None).required
        assert rules.need({"readiness_review_required": True}, [], None).required
        by_type = rules.need(
            {"readiness_review_change_types": ["infrastructure"]}, ["infrastructure", "ui"], None
        )
        assert by_type.why == ("the release changes infrastructure",)
        assert rules.need({}, [], "stage 'prod'").why == ("stage 'prod' lists it",)
        assert rules.need({"runbook_review_max_age_days": 30}, [], None).runbook_max_age_days == 30


class TestTheGate:
    def test_no_review_passes_unless_one_is_required(self) -> None:
        assert rules.gate(ReviewNeed(), None, (), NOW).status is GateStatus.PASSED
        pending = rules.gate(REQUIRED, None, (), NOW)
        assert pending.status is GateStatus.PENDING
        assert "guardrails require one" in pending.reason

    def test_an_open_review_is_judged_even_where_none_is_required(self) -> None:
        got = rules.gate(ReviewNeed(), review(item(ItemKind.RUNBOOK, checked_days=None)), (), NOW)
        assert got.status is GateStatus.PENDING
        assert got.evidence["missing"] == ["Runbook (sre.runbook): no evidence"]

    def test_everything_met_waits_for_the_sign_off(self) -> None:
        got = rules.gate(REQUIRED, review(item(ItemKind.ON_CALL), signer=None), (), NOW)
        assert got.status is GateStatus.PENDING
        assert "awaits an SRE's sign-off" in got.reason

    def test_signed_by_an_author_fails_and_by_anyone_else_passes(self) -> None:
        signed = review(item(ItemKind.ON_CALL))
        assert rules.gate(REQUIRED, signed, (SRE,), NOW).status is GateStatus.FAILED
        passed = rules.gate(REQUIRED, signed, (AUTHOR,), NOW)
        assert passed.status is GateStatus.PASSED
        assert passed.evidence == {
            "readinessReviewId": str(signed.id),
            "signedOffById": str(SRE),
        }

    def test_evidence_expiring_after_the_sign_off_blocks_again_at_the_asking_time(self) -> None:
        signed = review(item(ItemKind.MONITORING, expires_days=2))
        assert rules.gate(REQUIRED, signed, (), NOW).status is GateStatus.PASSED
        later = rules.gate(REQUIRED, signed, (), NOW + timedelta(days=3))
        assert later.status is GateStatus.PENDING
        assert later.evidence["missing"] == ["Monitoring (sre.monitoring): evidence expired"]
