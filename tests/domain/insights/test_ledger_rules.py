"""The change ledger's rules (pure): change types, bypass, hotfix and outcome."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.insights import ledger_rules as rules
from domain.insights.ledger_vocabulary import ChangeKind, LedgerOutcome

T = datetime(2026, 3, 2, 9, tzinfo=UTC)
S1, S2, ENV = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


class TestChangeTypes:
    def test_a_deployment_takes_its_releases_types_sorted(self) -> None:
        assert rules.change_types(ChangeKind.DEPLOYMENT, ["ui", "api", "ui"]) == ("api", "ui")

    def test_a_deployment_without_a_release_has_none(self) -> None:
        assert rules.change_types(ChangeKind.DEPLOYMENT) == ()

    def test_a_flag_flip_is_a_configuration_change(self) -> None:
        assert rules.change_types(ChangeKind.FLAG_CHANGE) == ("config",)

    def test_stored_types_are_found_by_one_like_and_read_back(self) -> None:
        stored = rules.joined(["ui", "api"])
        assert stored == ",api,ui,"
        assert rules.split(stored) == ("api", "ui")
        assert rules.joined([]) == "" and rules.split("") == ()


class TestBypass:
    def test_a_change_inside_an_open_bypass_of_its_environment_bypassed_gates(self) -> None:
        w = rules.Window(ENV, T, T + timedelta(hours=4))
        assert rules.bypassed(ENV, T + timedelta(hours=1), [w])

    def test_outside_the_window_or_elsewhere_it_did_not(self) -> None:
        w = rules.Window(ENV, T, T + timedelta(hours=4))
        assert not rules.bypassed(ENV, T + timedelta(hours=4), [w])
        assert not rules.bypassed(uuid.uuid4(), T + timedelta(hours=1), [w])
        assert not rules.bypassed(ENV, T, [])


class TestHotfix:
    def test_a_hotfix_marks_the_same_services_deployment_just_before(self) -> None:
        a = rules.Shipped(uuid.uuid4(), S1, T, False)
        other = rules.Shipped(uuid.uuid4(), S2, T + timedelta(hours=1), False)
        fix = rules.Shipped(uuid.uuid4(), S1, T + timedelta(hours=5), True)
        assert rules.hotfixed([fix, other, a]) == {a.id}

    def test_a_hotfix_after_the_window_or_with_nothing_before_marks_nothing(self) -> None:
        a = rules.Shipped(uuid.uuid4(), S1, T, False)
        late = rules.Shipped(uuid.uuid4(), S1, T + rules.HOTFIX_WINDOW + timedelta(seconds=1), True)
        alone = rules.Shipped(uuid.uuid4(), S2, T, True)
        assert rules.hotfixed([a, late, alone]) == set()


class TestOutcome:
    def test_the_worst_thing_that_happened_is_the_outcome(self) -> None:
        assert rules.outcome(True, 2, True) is LedgerOutcome.ROLLED_BACK
        assert rules.outcome(False, 1, True) is LedgerOutcome.CAUSED_INCIDENT
        assert rules.outcome(False, 0, True) is LedgerOutcome.HOTFIXED
        assert rules.outcome(False, 0, False) is LedgerOutcome.SUCCEEDED
