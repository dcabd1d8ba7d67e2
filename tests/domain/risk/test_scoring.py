"""Scoring: a score, a level and a sentence per factor; never lower when a factor rises."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from domain.guardrails.vocabulary import RISK_ORDER, RiskLevel
from domain.risk.model import DEFAULT_MODEL, Factor, RiskMapping, RiskModel, Weight
from domain.risk.rules import check_model
from domain.risk.scoring import (
    CLASSIFICATION_RANK,
    TIER_RANK,
    RiskFacts,
    Size,
    score,
    score_inputs,
)

PAYMENT = RiskFacts(
    services=("payments-core",),
    max_tier="critical",
    max_classification="public",
    change_types=("payment_logic",),
)


class TestTheDefaultModel:
    def test_is_a_valid_model(self) -> None:
        assert check_model(DEFAULT_MODEL) == DEFAULT_MODEL

    def test_a_payment_logic_change_to_a_critical_service_scores_high(self) -> None:
        result = score(DEFAULT_MODEL, PAYMENT)
        assert result.level == RiskLevel.HIGH
        assert result.score == 21
        named = {c.factor: c for c in result.contributions if c.points > 0}
        assert set(named) == {Factor.SERVICE_TIER, Factor.CHANGE_TYPES, Factor.SERVICES}
        assert "critical" in named[Factor.SERVICE_TIER].explanation
        assert "payment_logic" in named[Factor.CHANGE_TYPES].explanation
        assert named[Factor.CHANGE_TYPES].explanation.startswith("Change types:")

    def test_a_ui_change_to_an_internal_service_is_low(self) -> None:
        facts = RiskFacts(services=("a",), max_tier="internal", change_types=("ui",))
        assert score(DEFAULT_MODEL, facts).level == RiskLevel.LOW

    def test_every_factor_explains_itself_even_at_zero(self) -> None:
        result = score(DEFAULT_MODEL, RiskFacts())
        assert [c.factor for c in result.contributions] == list(Factor)
        assert all(c.explanation.endswith("points.") for c in result.contributions)
        assert result.score == 0 and result.level == RiskLevel.LOW

    def test_caps_say_so(self) -> None:
        facts = RiskFacts(consumers=tuple(f"c{i}" for i in range(30)))
        (consumers,) = [
            c
            for c in score(DEFAULT_MODEL, facts).contributions
            if c.factor == "transitive_consumers"
        ]
        assert consumers.input == 30 and consumers.points == 10
        assert "capped at 20" in consumers.explanation

    def test_size_counts_lines_or_files_whichever_is_bigger(self) -> None:
        assert Size(lines_changed=250, files_changed=5).units == 2.5
        assert Size(lines_changed=100, files_changed=40).units == 4


weights = st.builds(
    Weight,
    st.floats(min_value=0, max_value=20, allow_nan=False),
    st.one_of(st.none(), st.floats(min_value=0, max_value=30, allow_nan=False)),
)


@st.composite
def models(draw: st.DrawFn) -> RiskModel:
    cuts = sorted(draw(st.sets(st.integers(1, 200), min_size=3, max_size=3)))
    return replace(
        DEFAULT_MODEL,
        weights={f: draw(weights) for f in Factor},
        change_type_weights={
            k: draw(st.floats(0, 10, allow_nan=False)) for k in DEFAULT_MODEL.change_type_weights
        },
        mapping=RiskMapping(
            thresholds=dict(zip(list(RiskLevel)[1:], map(float, cuts), strict=True)),
            requirements=DEFAULT_MODEL.mapping.requirements,
        ),
    )


inputs = st.fixed_dictionaries({f: st.floats(0, 50, allow_nan=False) for f in Factor})


class TestRaisingAFactorNeverLowersTheRisk:
    @given(models(), inputs, st.sampled_from(list(Factor)), st.floats(0, 50, allow_nan=False))
    def test_for_any_valid_model_and_any_factor_input(
        self, model: RiskModel, values: dict[Factor, float], factor: Factor, more: float
    ) -> None:
        before_score, before_level = score_inputs(model, values)
        after_score, after_level = score_inputs(model, {**values, factor: values[factor] + more})
        assert after_score >= before_score
        assert RISK_ORDER[after_level] >= RISK_ORDER[before_level]

    @given(models(), st.data())
    def test_for_facts_that_grow(self, model: RiskModel, data: st.DataObject) -> None:
        tiers = st.sampled_from([None, *TIER_RANK])
        classes = st.sampled_from([None, *CLASSIFICATION_RANK])
        names = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8).map(tuple)
        kinds = st.lists(
            st.sampled_from(sorted(DEFAULT_MODEL.change_type_weights)), unique=True
        ).map(tuple)
        facts = RiskFacts(
            services=data.draw(names),
            max_tier=data.draw(tiers),
            consumers=data.draw(names),
            max_consumer_tier=data.draw(tiers),
            max_classification=data.draw(classes),
            regions=data.draw(names),
            change_types=data.draw(kinds),
            size=Size(data.draw(st.integers(0, 5000)), data.draw(st.integers(0, 500))),
            first_release=data.draw(names),
            new_dependencies=data.draw(names),
            first_author_changes=data.draw(names),
            new_infrastructure=data.draw(names),
        )
        grown = _grow(facts, data)
        before, after = score(model, facts), score(model, grown)
        assert after.score >= before.score
        assert RISK_ORDER[after.level] >= RISK_ORDER[before.level]


def _up(current: str | None, ranks: dict[str, int], data: st.DataObject) -> str | None:
    floor = ranks.get(current or "", -1)
    higher = [k for k, r in ranks.items() if r >= floor]
    return data.draw(st.sampled_from(higher)) if higher else current


def _more(values: tuple[str, ...], data: st.DataObject) -> tuple[str, ...]:
    extra = data.draw(st.lists(st.sampled_from("ijklmnop"), unique=True, max_size=4))
    return values + tuple(extra)


def _grow(f: RiskFacts, data: st.DataObject) -> RiskFacts:
    """The same facts with one or more of them raised, never lowered."""
    size = f.size or Size()
    kinds = sorted(DEFAULT_MODEL.change_type_weights)
    return RiskFacts(
        services=_more(f.services, data),
        max_tier=_up(f.max_tier, TIER_RANK, data),
        consumers=_more(f.consumers, data),
        max_consumer_tier=_up(f.max_consumer_tier, TIER_RANK, data),
        max_classification=_up(f.max_classification, CLASSIFICATION_RANK, data),
        regions=_more(f.regions, data),
        change_types=tuple(
            sorted(set(f.change_types) | set(data.draw(st.lists(st.sampled_from(kinds)))))
        ),
        size=Size(
            size.lines_changed + data.draw(st.integers(0, 1000)),
            size.files_changed + data.draw(st.integers(0, 100)),
        ),
        first_release=_more(f.first_release, data),
        new_dependencies=_more(f.new_dependencies, data),
        first_author_changes=_more(f.first_author_changes, data),
        new_infrastructure=_more(f.new_infrastructure, data),
    )


class TestFactsRoundTrip:
    def test_facts_survive_json(self) -> None:
        facts = replace(PAYMENT, size=Size(10, 2), regions=("eu-west-1",))
        assert RiskFacts.from_json(facts.as_json()) == facts
