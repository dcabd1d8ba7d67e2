"""Pure rules: production and approval, valid states, staleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.flags.definitions import Condition, EnvironmentState, Rule, Serve
from domain.flags.rules import (
    StaleReason,
    StateFacts,
    check_state,
    is_production,
    needs_approval,
    stale_reasons,
)
from domain.kernel.errors import DomainError

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
DAY = timedelta(days=1)


class TestProduction:
    @pytest.mark.parametrize(
        ("environment", "marked", "production"),
        [("production", False, True), ("production-eu", False, True), ("staging", False, False),
         ("prd-us", True, True)],
    )  # fmt: skip
    def test_is_the_prefix_or_the_mark(
        self, environment: str, marked: bool, production: bool
    ) -> None:
        assert is_production(environment, marked) is production

    def test_only_critical_services_wait_for_approval(self) -> None:
        assert needs_approval(True, "critical")
        assert not needs_approval(True, "internal")
        assert not needs_approval(False, "critical")


class TestValidStates:
    def test_refuses_unknown_variants_segments_and_bad_values(self) -> None:
        variants, segments = {"on", "off"}, {"internal"}
        bad = [
            EnvironmentState(True, default_serve=Serve("blue")),
            EnvironmentState(True, (Rule(segments=("nope",)),)),
            EnvironmentState(True, (Rule(conditions=(Condition("v", "SEMVER_GT", ("x",)),)),)),
            EnvironmentState(True, (Rule(conditions=(Condition("v", "LIKE", ("x",)),)),)),
            EnvironmentState(True, dark_launch=True, dark_launch_segment="nope"),
        ]
        for state in bad:
            with pytest.raises(DomainError):
                check_state(state, variants, segments)
        ok = EnvironmentState(True, (Rule(segments=("internal",), serve=Serve("on")),))
        assert check_state(ok, variants, segments) is ok


def reasons(**kw: object) -> list[StaleReason]:
    values: dict[str, object] = {
        "kind": "release",
        "created_at": NOW - 100 * DAY,
        "expires_at": NOW + DAY,
        "default_variant": "on",
        "states": [],
        "last_evaluated_at": NOW - DAY,
        "now": NOW,
        "rolled_out_for": 14 * DAY,
        "unevaluated_for": 30 * DAY,
    }
    values.update(kw)
    return stale_reasons(**values)  # type: ignore[arg-type]


class TestStaleness:
    def test_a_fresh_flag_is_not_stale(self) -> None:
        assert reasons() == []

    def test_an_expired_temporary_flag_is(self) -> None:
        assert reasons(expires_at=NOW - DAY) == [StaleReason.EXPIRED]
        assert reasons(kind="ops", expires_at=NOW - DAY) == []

    def test_fully_rolled_out_for_long_enough_is(self) -> None:
        on = StateFacts(EnvironmentState(True), NOW - 20 * DAY)
        recent = StateFacts(EnvironmentState(True), NOW - 2 * DAY)
        targeted = StateFacts(EnvironmentState(True, (Rule(),)), NOW - 20 * DAY)
        assert reasons(states=[on]) == [StaleReason.FULLY_ROLLED_OUT]
        assert reasons(states=[on, recent]) == []
        assert reasons(states=[on, targeted]) == []

    def test_not_evaluated_for_long_is(self) -> None:
        assert reasons(last_evaluated_at=NOW - 31 * DAY) == [StaleReason.NOT_EVALUATED]
        assert reasons(last_evaluated_at=None, created_at=NOW - DAY) == []
