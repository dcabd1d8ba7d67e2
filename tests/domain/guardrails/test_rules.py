"""Pure guardrail rules: typed values, tighten-only checks and the effective merge."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.guardrails import rules
from domain.guardrails.errors import GuardrailProblems
from domain.guardrails.fields import CORE_DEFAULTS, FIELDS, PROFILE_DEFAULTS, Field
from domain.guardrails.lattice import Strictness, at_least_as_strict
from domain.guardrails.rules import Layer, merge
from domain.guardrails.vocabulary import RiskLevel
from domain.kernel.errors import DomainError

LICENCES = ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only", "AGPL-3.0-only", "MPL-2.0"]


def codes(exc: GuardrailProblems) -> list[tuple[str, str | None]]:
    return [(str(p.code), p.field) for p in exc.problems]


class TestValuesAreTypedData:
    def test_an_unknown_key_is_refused_naming_it(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_value("min_approvers.moon", 2)
        assert (e.value.code, e.value.field) == ("UNKNOWN_GUARDRAIL", "min_approvers.moon")

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("min_approvers.production", "2"),
            ("min_approvers.production", True),
            ("min_approvers.production", 21),
            ("max_bypass_hours", 0),
            ("freeze_exceptions_allowed", 1),
            ("board_required_from_risk", "severe"),
            ("go_no_go_disciplines", ["engineering", "astrology"]),
            ("go_no_go_disciplines", "engineering"),
            ("onboarding_requirements", [1, 2]),
        ],
    )
    def test_wrong_types_ranges_and_members_are_refused(self, key: str, value: Any) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_value(key, value)
        assert (e.value.code, e.value.field) == ("INVALID_GUARDRAIL_VALUE", key)
        assert e.value.message.startswith(f"{key}: ")

    def test_sets_are_kept_sorted_without_doubles(self) -> None:
        value = rules.check_value("required_evidence", ["test_coverage", "security_scan"] * 2)
        assert value == ["security_scan", "test_coverage"]

    def test_licences_are_spdx_ids_in_their_canonical_spelling(self) -> None:
        assert rules.check_value("denied_licences", ["mit", "GPL-2.0", "gpl-2.0-only"]) == [
            "GPL-2.0-only",
            "MIT",
        ]

    @pytest.mark.parametrize("bad", ["Not-A-Licence", "MIT OR Apache-2.0", ""])
    def test_unknown_licences_and_expressions_are_refused(self, bad: str) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_value("allowed_licences", ["MIT", bad])
        assert (e.value.code, e.value.field) == ("INVALID_LICENCE", "allowed_licences")


class TestApplyingChanges:
    def test_every_problem_is_reported_at_once(self) -> None:
        with pytest.raises(GuardrailProblems) as e:
            rules.apply_changes(
                CORE_DEFAULTS,
                {"nope": 1, "max_bypass_hours": -1, "min_test_coverage_percent": 70},
                complete=True,
            )
        assert codes(e.value) == [
            ("UNKNOWN_GUARDRAIL", "nope"),
            ("INVALID_GUARDRAIL_VALUE", "max_bypass_hours"),
        ]

    def test_null_removes_a_key_from_a_partial_set(self) -> None:
        out = rules.apply_changes(
            {"max_bypass_hours": 4, "min_test_coverage_percent": 90},
            {"max_bypass_hours": None},
            complete=False,
        )
        assert out == {"min_test_coverage_percent": 90}

    def test_the_core_keeps_a_value_for_every_key_but_may_allow_any_licence(self) -> None:
        with pytest.raises(GuardrailProblems) as e:
            rules.apply_changes(CORE_DEFAULTS, {"max_bypass_hours": None}, complete=True)
        assert codes(e.value) == [("INVALID_GUARDRAIL_VALUE", "max_bypass_hours")]
        out = rules.apply_changes(
            {**CORE_DEFAULTS, "allowed_licences": ["MIT"]},
            {"allowed_licences": None},
            complete=True,
        )
        assert out["allowed_licences"] is None

    def test_values_must_be_an_object(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.apply_changes({}, ["max_bypass_hours", 4], complete=False)
        assert (e.value.code, e.value.field) == ("INVALID_VALUES", "values")

    def test_a_licence_both_allowed_and_denied_is_a_mistake(self) -> None:
        with pytest.raises(GuardrailProblems) as e:
            rules.apply_changes(
                {},
                {"allowed_licences": ["MIT", "SSPL-1.0"], "denied_licences": ["SSPL-1.0"]},
                complete=False,
            )
        assert codes(e.value) == [("LICENCE_ALLOWED_AND_DENIED", "allowed_licences")]

    def test_a_note_says_why(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_note("  ")
        assert e.value.code == "NOTE_REQUIRED"
        assert rules.check_note(" audit finding 12 ") == "audit finding 12"


class TestTightenOnly:
    def test_lowering_the_core_minimum_approvers_is_refused_with_the_core_bound(self) -> None:
        with pytest.raises(GuardrailProblems) as e:
            rules.refuse_looser({"min_approvers.production": 1}, CORE_DEFAULTS)
        (problem,) = e.value.problems
        assert (problem.code, problem.field) == (
            "GUARDRAIL_LOOSER_THAN_CORE",
            "min_approvers.production",
        )
        assert problem.message == "min_approvers.production: 1 is looser than the core's 2."

    def test_each_looser_value_is_its_own_problem(self) -> None:
        proposed = {
            "max_bypass_hours": 48,
            "freeze_exceptions_allowed": True,
            "go_no_go_disciplines": ["engineering"],
            "board_required_from_risk": "critical",
            "min_test_coverage_percent": 95,
        }
        core = {**CORE_DEFAULTS, "freeze_exceptions_allowed": False}
        with pytest.raises(GuardrailProblems) as e:
            rules.refuse_looser(proposed, core)
        assert [p.field for p in e.value.problems] == [
            "board_required_from_risk",
            "max_bypass_hours",
            "freeze_exceptions_allowed",
        ]
        assert "critical is looser than the core's high" in e.value.problems[0].message

    def test_a_set_lists_the_members_it_adds_and_never_drops_the_cores(self) -> None:
        rules.refuse_looser({"go_no_go_disciplines": ["security"]}, CORE_DEFAULTS)
        merged = merge(
            [
                Layer("core", 1, CORE_DEFAULTS),
                Layer("bu:p", 1, {"go_no_go_disciplines": ["security"]}),
            ]
        )
        assert merged["go_no_go_disciplines"].value == ["engineering", "product", "security"]

    def test_equal_and_stricter_values_pass(self) -> None:
        rules.refuse_looser(
            {"min_approvers.production": 2, "max_bypass_hours": 4, "allowed_licences": ["MIT"]},
            CORE_DEFAULTS,
        )

    def test_the_built_in_profiles_only_tighten_the_built_in_core(self) -> None:
        for values in PROFILE_DEFAULTS.values():
            assert rules.looser_than_core(values, CORE_DEFAULTS) == []


class TestMergeProvenance:
    def test_each_value_names_the_layer_that_set_it(self) -> None:
        merged = merge(
            [
                Layer("core", 3, CORE_DEFAULTS),
                Layer("bu:payments", 2, {"max_bypass_hours": 12, "min_approvers.production": 2}),
                Layer("profile:critical", 1, {"max_bypass_hours": 8, "min_approvers.staging": 1}),
            ]
        )
        assert (merged["max_bypass_hours"].value, merged["max_bypass_hours"].source) == (
            8,
            "profile:critical",
        )
        # A later layer repeating a value leaves the source with the layer above.
        assert merged["min_approvers.production"].source == "core"
        assert merged["min_approvers.staging"].source == "core"
        assert merged["min_test_coverage_percent"].version == 3

    def test_set_members_are_credited_to_the_first_layer_asking_for_them(self) -> None:
        merged = merge(
            [
                Layer("core", 0, CORE_DEFAULTS),
                Layer("bu:payments", 4, {"go_no_go_disciplines": ["product", "security"]}),
                Layer("profile:critical", 0, {"go_no_go_disciplines": ["security", "legal"]}),
            ]
        )["go_no_go_disciplines"]
        assert merged.value == ["engineering", "legal", "product", "security"]
        assert merged.source == "profile:critical"
        assert [(c.source, c.members) for c in merged.contributions] == [
            ("core", ("engineering", "product")),
            ("bu:payments", ("security",)),
            ("profile:critical", ("legal",)),
        ]

    def test_allowed_licences_narrow_to_what_every_layer_allows(self) -> None:
        merged = merge(
            [
                Layer("core", 0, {**CORE_DEFAULTS, "allowed_licences": None}),
                Layer("bu:x", 1, {"allowed_licences": ["Apache-2.0", "MIT"]}),
                Layer("profile:internal", 1, {"allowed_licences": ["MIT", "MPL-2.0"]}),
            ]
        )["allowed_licences"]
        assert (merged.value, merged.source) == (["MIT"], "profile:internal")


# -- properties ------------------------------------------------------------------------------


def value_of(f: Field) -> st.SearchStrategy[Any]:
    match f.strictness:
        case Strictness.AT_LEAST | Strictness.AT_MOST:
            return st.integers(f.minimum or 0, f.maximum or 100)
        case Strictness.REQUIRE | Strictness.PERMIT:
            return st.booleans()
        case Strictness.LEVEL_AT_MOST:
            return st.sampled_from([level.value for level in RiskLevel])
    members = st.lists(st.sampled_from(list(f.members or LICENCES)), unique=True).map(sorted)
    if f.strictness is Strictness.SUBSET:
        return st.none() | members
    return members


@st.composite
def partial_sets(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(list(FIELDS)), unique=True))
    return {k: draw(value_of(FIELDS[k])) for k in keys}


@st.composite
def complete_sets(draw: st.DrawFn) -> dict[str, Any]:
    return {k: draw(value_of(f)) for k, f in FIELDS.items()}


def layers_of(core: dict[str, Any], partials: list[dict[str, Any]]) -> list[Layer]:
    return [Layer("core", 1, core), *(Layer(f"l{i}", i, p) for i, p in enumerate(partials))]


def values(merged: dict[str, rules.Merged]) -> dict[str, Any]:
    return {k: m.value for k, m in merged.items()}


class TestMergeProperties:
    @given(complete_sets(), st.lists(partial_sets(), max_size=3))
    def test_the_merged_value_is_at_least_as_strict_as_every_layer(
        self, core: dict[str, Any], partials: list[dict[str, Any]]
    ) -> None:
        merged = merge(layers_of(core, partials))
        for layer in [core, *partials]:
            for key, value in layer.items():
                kind = FIELDS[key].strictness
                assert at_least_as_strict(kind, merged[key].value, value), (key, value)

    @given(complete_sets(), st.lists(partial_sets(), max_size=3))
    def test_merging_the_result_again_changes_nothing(
        self, core: dict[str, Any], partials: list[dict[str, Any]]
    ) -> None:
        once = values(merge(layers_of(core, partials)))
        assert values(merge([Layer("core", 1, once), *layers_of(core, partials)[1:]])) == once
        assert values(merge(layers_of(once, partials))) == once

    @given(complete_sets(), st.lists(partial_sets(), max_size=3), partial_sets())
    def test_adding_a_layer_never_loosens(
        self, core: dict[str, Any], partials: list[dict[str, Any]], extra: dict[str, Any]
    ) -> None:
        before = merge(layers_of(core, partials))
        after = merge(layers_of(core, [*partials, extra]))
        for key, m in before.items():
            assert at_least_as_strict(FIELDS[key].strictness, after[key].value, m.value), key

    @given(complete_sets(), partial_sets(), partial_sets())
    def test_the_value_does_not_depend_on_the_order_below_the_core(
        self, core: dict[str, Any], a: dict[str, Any], b: dict[str, Any]
    ) -> None:
        assert values(merge(layers_of(core, [a, b]))) == values(merge(layers_of(core, [b, a])))

    @given(complete_sets(), partial_sets())
    def test_an_accepted_tightening_is_exactly_the_value_in_force(
        self, core: dict[str, Any], partial: dict[str, Any]
    ) -> None:
        assume(not rules.looser_than_core(partial, core))
        merged = merge(layers_of(core, [partial]))
        for key, value in partial.items():
            kind = FIELDS[key].strictness
            if kind is Strictness.SUPERSET:  # the members it adds, on top of the core's
                value = sorted(set(value) | set(core[key]))
            assert at_least_as_strict(kind, value, merged[key].value)
            assert at_least_as_strict(kind, merged[key].value, value)


class TestOneReportForEverything:
    def test_bad_values_and_looser_values_are_reported_together(self) -> None:
        with pytest.raises(GuardrailProblems) as e:
            rules.apply_changes(
                {},
                {
                    "max_bypass_hours": 500,
                    "min_approvers.production": 1,
                    "max_dr_test_age_days": 30,
                },
                complete=False,
                core=CORE_DEFAULTS,
            )
        assert codes(e.value) == [
            ("INVALID_GUARDRAIL_VALUE", "max_bypass_hours"),
            ("GUARDRAIL_LOOSER_THAN_CORE", "min_approvers.production"),
        ]
