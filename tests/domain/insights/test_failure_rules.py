"""Where changes fail, on hand-built ledger histories whose answers are worked out here."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.insights import failure_rules as rules
from domain.insights import failure_suggestions as advice
from domain.insights.dora_vocabulary import FailureDefinition
from domain.insights.failure_rules import Change, Incident, Thresholds
from domain.insights.failure_suggestions import Control, Place
from domain.insights.policy_vocabulary import TargetScope
from domain.kernel.errors import DomainError

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
SERVICE = uuid.uuid4()


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def change(n: int, kind: str = "deployment", types: tuple[str, ...] = (), **kw: object) -> Change:
    return Change(_id(n), SERVICE, T0 + timedelta(hours=n), kind, types, **kw)  # type: ignore[arg-type]


def incident(n: int, blamed: int | None, severity: str | None = "SEV3", hours: int = 1) -> Incident:
    at = T0 + timedelta(hours=(blamed or 0) + hours)
    return Incident(_id(1000 + n), SERVICE, at, None if blamed is None else _id(blamed), severity)


def history() -> tuple[list[Change], list[Incident]]:
    """Four flag flips (config), three of them blamed for an incident; ten API deployments, one
    blamed. Overall 4 of 14 failed: 2/7 ≈ 0.2857; config 3/4 = 0.75 (lift 2.625); api 1/10 = 0.1
    (lift 0.35)."""
    flips = [change(n, "flag_change", ("config",), risk_level="low") for n in range(1, 5)]
    deployments = [change(n, "deployment", ("api",), risk_level="medium") for n in range(5, 15)]
    incidents = [
        incident(1, 1, "SEV2"),
        incident(2, 2, "SEV1"),
        incident(3, 3, None),
        incident(4, 7, "SEV3"),
    ]
    return flips + deployments, incidents


def group(groups: tuple[rules.Group, ...], change_type: str) -> rules.Group:
    [found] = [g for g in groups if g.change_type == change_type]
    return found


class TestAFlagFlipTypeFailingThreeOfFourStandsOut:
    def test_the_rates_shares_and_lifts(self) -> None:
        changes, incidents = history()
        a = rules.analyse(changes, incidents)

        assert (len(a.overall.changes), len(a.overall.failed)) == (14, 4)
        assert a.overall.rate == pytest.approx(4 / 14)
        config, api = group(a.by_type, "config").figures, group(a.by_type, "api").figures
        assert (len(config.changes), len(config.failed), config.rate) == (4, 3, 0.75)
        assert config.share == pytest.approx(4 / 14)
        assert config.lift == pytest.approx(0.75 / (4 / 14))  # 2.625
        assert (len(api.changes), len(api.failed), api.rate) == (10, 1, 0.1)
        assert api.lift == pytest.approx(0.35)
        assert config.failed == (_id(1), _id(2), _id(3))
        assert api.failed == (_id(7),)

    def test_only_the_flag_flip_type_stands_out_and_the_verdict_says_why(self) -> None:
        a = rules.analyse(*history())

        assert [g.change_type for g in a.standing_out] == ["config"]
        why = a.standing_out[0].verdict
        assert "3 of 4 changes failed (75%)" in why and "2.62 times the overall rate" in why
        assert "stands out" in why
        assert "not 1.5 times the overall rate" in group(a.by_type, "api").verdict

    def test_by_risk_level_kind_and_cell(self) -> None:
        a = rules.analyse(*history())

        assert [(g.risk_level, g.figures.rate) for g in a.by_risk] == [
            ("low", 0.75),
            ("medium", 0.1),
        ]
        assert [(g.kind, len(g.figures.changes)) for g in a.by_kind] == [
            ("deployment", 10),
            ("flag_change", 4),
        ]
        assert [(g.change_type, g.risk_level) for g in a.cells] == [
            ("api", "medium"),
            ("config", "low"),
        ]

    def test_a_stricter_factor_flags_nothing(self) -> None:
        a = rules.analyse(*history(), t=Thresholds(factor=3.0))  # 0.75 < 3 times 0.2857

        assert a.standing_out == ()


class TestSmallSamplesDoNotFlag:
    def test_a_type_below_the_minimum_count_is_not_flagged(self) -> None:
        changes, incidents = history()
        # two payment changes, both failed: 100%, but fewer than the 4 changes asked for
        changes += [change(n, "deployment", ("payment_logic",)) for n in (20, 21)]
        incidents += [incident(5, 20), incident(6, 21)]

        a = rules.analyse(changes, incidents)

        payment = group(a.by_type, "payment_logic")
        assert payment.figures.rate == 1.0
        assert "too few changes to judge (fewer than 4)" in payment.verdict
        assert [g.change_type for g in a.standing_out] == ["config"]
        lowered = rules.analyse(changes, incidents, t=Thresholds(min_changes=2))
        assert [g.change_type for g in lowered.standing_out] == ["payment_logic", "config"]


class TestIncidentSeverities:
    def test_counted_per_level_with_the_worst(self) -> None:
        a = rules.analyse(*history())

        config = group(a.by_type, "config").figures
        assert dict(config.by_severity) == {
            "SEV1": 1,
            "SEV2": 1,
            "SEV3": 0,
            "SEV4": 0,
            "unknown": 1,
        }
        assert config.worst == "SEV1"
        assert group(a.by_type, "api").figures.worst == "SEV3"
        assert dict(a.overall.by_severity)["SEV3"] == 1

    def test_an_incident_before_its_change_or_unattributed_counts_against_none(self) -> None:
        changes = [change(1, "flag_change", ("config",))]
        early = Incident(_id(2000), SERVICE, T0, _id(1), "SEV1")  # before the flip at T0+1h
        loose = incident(9, None)

        a = rules.analyse(changes, [early, loose])

        assert (a.overall.rate, a.overall.incidents, a.overall.worst) == (0.0, (), None)


class TestTheFailureDefinitionSwitch:
    def test_rollbacks_count_only_when_asked(self) -> None:
        changes = [
            change(1, "deployment", ("infrastructure",), rolled_back=True),
            change(2, "deployment", ("infrastructure",)),
            change(3, "deployment", ("infrastructure",), hotfixed=True),
        ]
        incidents = [incident(1, 2)]

        by_incident = rules.analyse(changes, incidents)
        by_rollback = rules.analyse(changes, incidents, FailureDefinition.ROLLBACK)
        by_hotfix = rules.analyse(changes, incidents, FailureDefinition.HOTFIX)
        by_any = rules.analyse(changes, incidents, FailureDefinition.ANY)

        # incident: the rolled-back one is not counted; 1 of 2
        assert (len(by_incident.overall.changes), by_incident.overall.rate) == (2, 0.5)
        # rollback: all three counted, 1 of 3
        assert by_rollback.overall.rate == pytest.approx(1 / 3)
        assert by_rollback.overall.failed == (_id(1),)
        # hotfix: the rolled-back one out again; 1 of 2
        assert by_hotfix.overall.failed == (_id(3),)
        # any: all three failed
        assert by_any.overall.rate == 1.0


class TestNoChanges:
    def test_rates_are_null_not_errors(self) -> None:
        a = rules.analyse([], [incident(1, None)])

        assert (a.overall.rate, a.overall.share, a.overall.lift) == (None, None, None)
        assert a.by_type == () and a.standing_out == ()

    def test_nothing_failed_nothing_stands_out(self) -> None:
        a = rules.analyse([change(n, "deployment", ("api",)) for n in range(1, 6)], [])

        api = group(a.by_type, "api")
        assert (api.figures.rate, api.figures.lift) == (0.0, None)
        assert a.standing_out == ()

    def test_a_change_without_types_or_assessment_is_unclassified_and_unassessed(self) -> None:
        a = rules.analyse([change(1)], [])

        assert [g.change_type for g in a.by_type] == ["unclassified"]
        assert [g.risk_level for g in a.by_risk] == ["unassessed"]


class TestSuggestions:
    def test_each_missing_gate_and_a_deeper_coverage_from_the_values_in_force(self) -> None:
        config = rules.analyse(*history()).standing_out[0]
        in_force = {
            "peer_review_change_types": ["schema_migration", "payment_logic"],
            "readiness_review_change_types": ["config"],
            "min_test_coverage_percent": 80,
        }

        found = advice.suggestions(config, Place(TargetScope.TIER, "critical"), in_force)

        assert [(s.control, s.current, s.target.value) for s in found] == [
            (
                Control.PEER_REVIEW,
                ["payment_logic", "schema_migration"],
                ["config", "payment_logic", "schema_migration"],
            ),
            (Control.TEST_COVERAGE, 80, 90),
        ]
        peer = found[0]
        assert (peer.target.scope, peer.target.tier, peer.target.key) == (
            TargetScope.TIER,
            "critical",
            "peer_review_change_types",
        )
        assert peer.reason.startswith(
            "Require a peer review by a non-author before staging for config changes in the "
            "critical tier profile. config: 3 of 4 changes failed"
        )

    def test_nothing_to_raise_no_suggestion_and_none_for_an_unclassified_type(self) -> None:
        config = rules.analyse(*history()).standing_out[0]
        done = {
            "peer_review_change_types": ["config"],
            "readiness_review_change_types": ["config"],
            "min_test_coverage_percent": 100,
        }
        assert advice.suggestions(config, Place(TargetScope.CORE), done) == ()
        unclassified = rules.Group("unclassified", None, None, config.figures, config.verdict)
        assert advice.suggestions(unclassified, Place(TargetScope.CORE), {}) == ()

    def test_the_place_is_the_tier_else_the_bu_else_the_core(self) -> None:
        assert advice.place("critical", True) == Place(TargetScope.TIER, "critical")
        assert advice.place(None, True) == Place(TargetScope.BUSINESS_UNIT)
        assert advice.place(None, False) == Place(TargetScope.CORE)


class TestThresholds:
    def test_defaults_and_refusals(self) -> None:
        assert rules.thresholds(None, None) == Thresholds(1.5, 4)
        for factor, least, field in ((0.5, None, "factor"), (None, 0, "minChanges")):
            with pytest.raises(DomainError) as refused:
                rules.thresholds(factor, least)
            assert refused.value.field == field
