"""Required sign-offs derived from a release's data, and their state over time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.governance import signoff_rules as so
from domain.kernel.errors import DomainError

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
EU_PERSONAL = {"data_classifications": ["personal"], "region_prefixes": ["eu-"]}
RULES = [
    so.Rule("eu-sovereignty", "data_sovereignty", "legal", EU_PERSONAL, 90),
    so.Rule("eu-privacy", "privacy_impact", "compliance", EU_PERSONAL, 180),
    so.Rule(
        "payments-security",
        "security_review",
        "security",
        {"change_types": ["payment_logic"], "tiers": ["critical"]},
        30,
    ),
]


def svc(
    data: str = "personal", regions: tuple[str, ...] = ("eu-west-1",), tier: str = "internal"
) -> so.ShippedService:
    return so.ShippedService(key="s", tier=tier, data_classification=data, regions=regions)


def required(
    services: list[so.ShippedService],
    regions: list[str] | None = None,
    change_types: list[str] | None = None,
) -> list[str]:
    return [
        r.requirement
        for r in so.required_sign_offs(
            RULES, services, regions=regions or [], change_types=change_types or []
        )
    ]


class TestEuPersonalDataNeedsLegalAndCompliance:
    def test_a_personal_data_service_in_an_eu_region_needs_both(self) -> None:
        reqs = so.required_sign_offs(RULES, [svc()], regions=[], change_types=[])
        assert [(r.requirement, r.discipline, r.validity_days) for r in reqs] == [
            ("data_sovereignty", "legal", 90),
            ("privacy_impact", "compliance", 180),
        ]

    def test_other_data_or_other_regions_need_neither(self) -> None:
        assert required([svc(data="internal")]) == []
        assert required([svc(regions=("us-east-1",))]) == []

    def test_the_release_target_regions_replace_the_services_own(self) -> None:
        assert required([svc(regions=("eu-west-1",))], regions=["us-east-1"]) == []
        assert required([svc(regions=("us-east-1",))], regions=["eu-central-1"]) == [
            "data_sovereignty",
            "privacy_impact",
        ]

    def test_every_criterion_must_hold_for_the_same_service(self) -> None:
        split = [
            svc(data="personal", regions=("us-east-1",)),
            svc(data="internal", regions=("eu-west-1",)),
        ]
        assert required(split) == []

    def test_change_types_are_the_releases(self) -> None:
        assert required(
            [svc(data="internal", tier="critical")], change_types=["payment_logic"]
        ) == ["security_review"]
        assert required([svc(data="internal", tier="critical")], change_types=["ui"]) == []

    @given(
        base=st.lists(
            st.builds(
                svc,
                data=st.sampled_from(["personal", "internal"]),
                regions=st.sampled_from([("eu-west-1",), ("us-east-1",)]),
                tier=st.sampled_from(["critical", "internal"]),
            ),
            max_size=3,
        ),
        extra=st.builds(
            svc,
            data=st.sampled_from(["personal", "internal"]),
            regions=st.sampled_from([("eu-west-1",), ("us-east-1",)]),
        ),
        change_types=st.lists(st.sampled_from(["payment_logic", "ui"]), max_size=2),
    )
    def test_shipping_one_more_service_never_needs_fewer_sign_offs(
        self, base: list[so.ShippedService], extra: so.ShippedService, change_types: list[str]
    ) -> None:
        assert set(required(base, change_types=change_types)) <= set(
            required([*base, extra], change_types=change_types)
        )


class TestSignOffStates:
    REQ = so.Required("data_sovereignty", "legal", 90, ("eu-sovereignty",))

    def given_at(self, at: datetime, days: int = 90) -> so.Given:
        return so.Given("data_sovereignty", "legal", "signer", at, so.expiry(at, days))

    def test_missing_valid_and_expired(self) -> None:
        assert so.states([self.REQ], [], NOW)[0].status is so.SignOffStatus.MISSING
        fresh = self.given_at(NOW - timedelta(days=1))
        assert so.states([self.REQ], [fresh], NOW)[0].status is so.SignOffStatus.VALID
        old = self.given_at(NOW - timedelta(days=90))
        assert so.states([self.REQ], [old], NOW)[0].status is so.SignOffStatus.EXPIRED

    def test_the_latest_sign_off_decides(self) -> None:
        old, new = self.given_at(NOW - timedelta(days=100)), self.given_at(NOW - timedelta(days=2))
        state = so.states([self.REQ], [new, old], NOW)[0]
        assert state.status is so.SignOffStatus.VALID and state.sign_off == new

    def test_only_valid_ones_are_not_outstanding(self) -> None:
        states = so.states([self.REQ], [self.given_at(NOW - timedelta(days=91))], NOW)
        assert [s.status for s in so.outstanding(states)] == [so.SignOffStatus.EXPIRED]


class TestConditionsAreChecked:
    def test_known_keys_and_values_only(self) -> None:
        assert so.check_condition({"region_prefixes": ["EU-"]})["region_prefixes"] == ["eu-"]
        for bad in ({"colour": ["red"]}, {"tiers": ["gold"]}, {"region_prefixes": ["europe"]}):
            with pytest.raises(DomainError) as refused:
                so.check_condition(bad)
            assert refused.value.code == "INVALID_CONDITION"
        with pytest.raises(DomainError):
            so.check_validity(0)
