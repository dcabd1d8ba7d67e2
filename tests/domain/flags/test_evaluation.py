"""The pure evaluator: bucketing as Unleash does it, rules in order, dark launch, splits."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from domain.flags.definitions import (
    Condition,
    EnvironmentState,
    FlagDefinition,
    Rollout,
    Rule,
    Serve,
    WeightedVariant,
)
from domain.flags.evaluation import CompiledFlag, Reason, bucket, compile_segments, evaluate
from domain.flags.targeting import EvaluationContext, context_from

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
INTERNAL = (Condition("email", "STR_ENDS_WITH", ("@bank.example",)),)


def flag(state: EnvironmentState | None, **kw: object) -> CompiledFlag:
    definition = FlagDefinition(
        key="checkout",
        variants={"on": True, "off": False, "a": "A", "b": "B"},
        default_variant="on",
        off_variant="off",
        state=state,
    )
    return CompiledFlag(definition, compile_segments({"internal": INTERNAL}))


def ctx(key: str | None = "u1", **attributes: object) -> EvaluationContext:
    return context_from(key, attributes, NOW)


class TestBucketing:
    def test_matches_unleash_reference_values(self) -> None:
        # From Unleash's client specification (10-flexible-rollout): 10% on for 174, off for 499.
        assert bucket("Feature.flexibleRollout.10", "174") <= 10
        assert bucket("Feature.flexibleRollout.10", "499") > 10

    @given(st.text(), st.text())
    def test_is_always_between_1_and_100(self, group: str, identifier: str) -> None:
        assert 1 <= bucket(group, identifier) <= 100

    @given(st.text(min_size=1), st.integers(0, 100), st.integers(0, 100))
    def test_raising_the_percentage_never_drops_anyone(self, user: str, p: int, q: int) -> None:
        low, high = sorted((p, q))
        compiled = [flag(EnvironmentState(True, (Rule(rollout=Rollout(x)),))) for x in (low, high)]
        on = [evaluate(c, ctx(user)).variant == "on" for c in compiled]
        assert on[0] <= on[1]


class TestStates:
    def test_no_state_or_disabled_serves_the_off_variant(self) -> None:
        for state in (None, EnvironmentState(False)):
            r = evaluate(flag(state), ctx())
            assert (r.value, r.variant, r.reason) == (False, "off", Reason.DISABLED)

    def test_enabled_without_rules_is_static(self) -> None:
        r = evaluate(flag(EnvironmentState(True)), ctx())
        assert (r.variant, r.reason) == ("on", Reason.STATIC)

    def test_the_first_matching_rule_wins_and_no_match_is_default(self) -> None:
        state = EnvironmentState(
            True,
            (
                Rule(user_ids=("vip",), serve=Serve("a")),
                Rule(conditions=(Condition("plan", "IN", ("gold",)),), serve=Serve("b")),
            ),
        )
        compiled = flag(state)
        assert evaluate(compiled, ctx("vip", plan="gold")).variant == "a"
        assert evaluate(compiled, ctx("u2", plan="gold")).variant == "b"
        r = evaluate(compiled, ctx("u3", plan="free"))
        assert (r.variant, r.reason) == ("off", Reason.DEFAULT)

    def test_dark_launch_serves_only_the_internal_segment(self) -> None:
        state = EnvironmentState(True, (Rule(),), dark_launch=True, dark_launch_segment="internal")
        compiled = flag(state)
        assert evaluate(compiled, ctx(email="ann@mail.example")).variant == "off"
        assert evaluate(compiled, ctx(email="bob@bank.example")).variant == "on"
        nobody = flag(EnvironmentState(True, dark_launch=True))
        assert evaluate(nobody, ctx(email="bob@bank.example")).variant == "off"

    def test_a_split_is_sticky_and_follows_its_weights(self) -> None:
        serve = Serve(split=(WeightedVariant("a", 1), WeightedVariant("b", 3)))
        compiled = flag(EnvironmentState(True, default_serve=serve))
        got = [evaluate(compiled, ctx(f"user-{n}")).variant for n in range(2000)]
        assert got == [evaluate(compiled, ctx(f"user-{n}")).variant for n in range(2000)]
        assert 0.2 < got.count("a") / len(got) < 0.3
        assert evaluate(compiled, ctx("user-1")).reason == Reason.SPLIT

    def test_a_missing_segment_fails_closed(self) -> None:
        compiled = flag(EnvironmentState(True, (Rule(segments=("gone",)),)))
        assert evaluate(compiled, ctx()).reason == Reason.DEFAULT


class TestConditions:
    def test_semver_dates_and_numbers(self) -> None:
        state = EnvironmentState(
            True,
            (
                Rule(
                    conditions=(
                        Condition("appVersion", "SEMVER_GTE", ("2.0.0-rc.1",)),
                        Condition("currentTime", "DATE_AFTER", ("2026-01-01T00:00:00Z",)),
                        Condition("age", "NUM_GT", ("17",)),
                    )
                ),
            ),
        )
        compiled = flag(state)
        assert evaluate(compiled, ctx(appVersion="2.0.0", age=18)).variant == "on"
        assert evaluate(compiled, ctx(appVersion="2.0.0-beta", age=18)).variant == "off"
        assert evaluate(compiled, ctx(appVersion="2.1.0", age=17)).variant == "off"
