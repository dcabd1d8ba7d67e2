"""Model validation, tighten-only BU overlays and the effective (strictest) mapping."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.guardrails.lattice import at_least_as_strict
from domain.guardrails.vocabulary import RiskLevel
from domain.kernel.errors import DomainError
from domain.risk import rules
from domain.risk.model import (
    DEFAULT_MODEL,
    LEVELS,
    STRICTNESS,
    Factor,
    Overlay,
    Requirement,
    Requirements,
    RiskMapping,
    Weight,
)

L = RiskLevel
CORE = DEFAULT_MODEL.mapping


def _refused(fn: object, code: str) -> DomainError:
    with pytest.raises(DomainError) as e:
        fn()  # type: ignore[operator]
    assert e.value.code == code
    return e.value


class TestAModelIsValidated:
    def test_a_negative_weight_is_refused(self) -> None:
        model = replace(DEFAULT_MODEL, weights={**DEFAULT_MODEL.weights, Factor.SIZE: Weight(-1)})
        err = _refused(lambda: rules.check_model(model), "INVALID_WEIGHT")
        assert err.field == "factors.size.weight"

    def test_a_negative_change_type_weight_is_refused(self) -> None:
        model = replace(DEFAULT_MODEL, change_type_weights={"ui": -0.5})
        _refused(lambda: rules.check_model(model), "INVALID_WEIGHT")

    def test_an_unknown_change_type_is_refused(self) -> None:
        model = replace(DEFAULT_MODEL, change_type_weights={"vibes": 1})
        _refused(lambda: rules.check_model(model), "UNKNOWN_CHANGE_TYPE")

    def test_thresholds_must_ascend_strictly(self) -> None:
        mapping = replace(CORE, thresholds={L.MEDIUM: 10, L.HIGH: 10, L.CRITICAL: 30})
        err = _refused(
            lambda: rules.check_model(replace(DEFAULT_MODEL, mapping=mapping)),
            "RISK_THRESHOLDS_NOT_ASCENDING",
        )
        assert err.field == "thresholds.high"

    def test_a_higher_level_may_not_require_less(self) -> None:
        high = CORE.requirements[L.HIGH].with_value(Requirement.MIN_APPROVALS, 0)
        mapping = replace(CORE, requirements={**CORE.requirements, L.HIGH: high})
        err = _refused(
            lambda: rules.check_model(replace(DEFAULT_MODEL, mapping=mapping)),
            "RISK_MAPPING_NOT_MONOTONE",
        )
        assert err.field == "requirements.high.minApprovals"

    def test_unknown_disciplines_and_odd_suite_names_are_refused(self) -> None:
        _refused(
            lambda: rules.check_requirements(L.LOW, Requirements(disciplines=("astrology",))),
            "UNKNOWN_DISCIPLINE",
        )
        _refused(
            lambda: rules.check_requirements(L.LOW, Requirements(test_suites=("Has Space",))),
            "INVALID_TEST_SUITE",
        )


class TestABusinessUnitOnlyTightens:
    def test_lower_thresholds_and_more_requirements_are_not_looser(self) -> None:
        overlay = Overlay(
            thresholds={L.HIGH: 12},
            requirements={
                L.MEDIUM: {
                    Requirement.PEER_REVIEW: True,
                    Requirement.TEST_SUITES: ("chaos", "integration", "unit"),
                }
            },
        )
        assert rules.looser_values(CORE, overlay) == []

    def test_a_set_is_the_whole_set_so_leaving_out_a_core_member_is_looser(self) -> None:
        overlay = Overlay(requirements={L.LOW: {Requirement.TEST_SUITES: ("chaos",)}})
        (found,) = rules.looser_values(CORE, overlay)
        assert (found.path, found.bound) == ("requirements.low.testSuites", ("unit",))

    def test_each_looser_value_is_named_with_its_bound(self) -> None:
        overlay = Overlay(
            thresholds={L.HIGH: 25},
            requirements={
                L.HIGH: {Requirement.MIN_APPROVALS: 1, Requirement.BOARD_DECISION: False}
            },
        )
        found = rules.looser_values(CORE, overlay)
        assert [(x.path, x.value, x.bound) for x in found] == [
            ("thresholds.high", 25, 18),
            ("requirements.high.boardDecision", False, True),
            ("requirements.high.minApprovals", 1, 2),
        ]
        assert "looser than the core's 18" in found[0].message


class TestTheEffectiveMappingIsTheStrictest:
    def test_bu_values_win_where_stricter_and_are_sourced(self) -> None:
        overlay = Overlay(
            thresholds={L.CRITICAL: 25},
            requirements={
                L.HIGH: {Requirement.TEST_SUITES: ("chaos", "end_to_end", "integration", "unit")}
            },
        )
        eff = rules.effective(CORE, overlay, "bu:payments")
        assert eff.conflicts == []
        assert eff.mapping.thresholds[L.CRITICAL] == 25
        assert eff.sources["thresholds.critical"].source == "bu:payments"
        assert eff.sources["thresholds.high"].source == "core"
        suites = eff.mapping.requirements[L.HIGH].test_suites
        assert suites == ("chaos", "end_to_end", "integration", "unit")
        # Carried up: critical now requires chaos too, because high does.
        assert "chaos" in eff.mapping.requirements[L.CRITICAL].test_suites
        assert eff.sources["requirements.critical.testSuites"].source == "bu:payments via high"

    def test_a_looser_value_left_by_a_core_change_is_reported_not_used(self) -> None:
        overlay = Overlay(thresholds={L.HIGH: 15})
        tighter_core = replace(CORE, thresholds={**CORE.thresholds, L.HIGH: 12})
        eff = rules.effective(tighter_core, overlay, "bu:payments")
        assert eff.mapping.thresholds[L.HIGH] == 12
        assert [c.path for c in eff.conflicts] == ["thresholds.high"]

    def test_a_low_high_threshold_pulls_medium_down(self) -> None:
        eff = rules.effective(CORE, Overlay(thresholds={L.HIGH: 5}), "bu:x")
        assert eff.mapping.thresholds[L.MEDIUM] == 5
        assert eff.mapping.level_of(5) == L.HIGH

    @given(
        st.dictionaries(
            st.sampled_from([L.MEDIUM, L.HIGH, L.CRITICAL]), st.floats(0.5, 60, allow_nan=False)
        ),
        st.dictionaries(
            st.sampled_from(LEVELS),
            st.fixed_dictionaries(
                {},
                optional={
                    Requirement.MIN_APPROVALS: st.integers(0, 5),
                    Requirement.CANARY_MINUTES: st.integers(0, 500),
                    Requirement.PEER_REVIEW: st.booleans(),
                    Requirement.BOARD_DECISION: st.booleans(),
                    Requirement.TEST_SUITES: st.lists(st.sampled_from(["unit", "chaos", "e2e"])),
                },
            ),
        ),
    )
    def test_never_looser_than_core_and_always_monotone(
        self, thresholds: dict[RiskLevel, float], requirements: dict[RiskLevel, dict]
    ) -> None:
        eff = rules.effective(CORE, Overlay(thresholds, requirements), "bu:x").mapping
        for level in LEVELS[1:]:
            assert eff.thresholds[level] <= CORE.thresholds[level]
        for level in LEVELS:
            for key, kind in STRICTNESS.items():
                got = eff.requirements[level].get(key)
                assert at_least_as_strict(kind, got, CORE.requirements[level].get(key))
                if level != L.LOW:
                    below = eff.requirements[LEVELS[LEVELS.index(level) - 1]].get(key)
                    assert at_least_as_strict(kind, got, below)
        rules.check_monotone(eff.requirements)


class TestTheBoardGuardrail:
    def test_forces_a_board_decision_from_its_level_up(self) -> None:
        low = CORE.requirements[L.MEDIUM]
        assert not low.board_decision
        forced = rules.with_board_guardrail(low, L.MEDIUM, ["high", "medium"])
        assert forced.board_decision
        assert not rules.with_board_guardrail(low, L.MEDIUM, ["high"]).board_decision


class TestMappingsSurviveJson:
    def test_round_trip(self) -> None:
        assert RiskMapping.from_json(CORE.as_json()) == CORE
        overlay = Overlay({L.HIGH: 10}, {L.LOW: {Requirement.DISCIPLINES: ("security",)}})
        assert Overlay.from_json(overlay.as_json()) == Overlay(
            {L.HIGH: 10}, {L.LOW: {Requirement.DISCIPLINES: ["security"]}}
        )
