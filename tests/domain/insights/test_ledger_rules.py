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


class TestWhereASweepStarts:
    """The projection's two speeds: the recent sweep (the hour before its mark, at most once a
    minute) and the settling sweep (thirty days before its mark, at most once an hour)."""

    mark = rules.Mark(until=T, at=T)

    def test_an_empty_ledger_projects_everything_and_settles(self) -> None:
        assert rules.sweep(None, None, T) == rules.Sweep(rules.EPOCH, False)
        assert rules.sweep(None, None, T, settle=True) == rules.Sweep(rules.EPOCH, True)

    def test_within_a_minute_of_the_last_nothing_is_due(self) -> None:
        assert rules.sweep(self.mark, None, T + timedelta(seconds=59)) is None

    def test_the_recent_sweep_starts_an_hour_before_its_mark(self) -> None:
        later = T + timedelta(minutes=5)
        assert rules.sweep(self.mark, None, later) == rules.Sweep(T - timedelta(hours=1), False)

    def test_readers_never_settle_however_long_ago_it_was(self) -> None:
        long_after = T + timedelta(days=3)
        assert rules.sweep(self.mark, None, long_after).settling is False  # type: ignore[union-attr]

    def test_the_housekeeping_settles_thirty_days_once_an_hour(self) -> None:
        settled = rules.Mark(until=T, at=T)
        recent = rules.Mark(until=T + timedelta(minutes=58), at=T + timedelta(minutes=58))
        in_the_hour = rules.sweep(
            recent, settled, T + timedelta(minutes=60) - timedelta(seconds=1), settle=True
        )
        assert in_the_hour == rules.Sweep(T - timedelta(minutes=2), False)  # the recent one
        due = rules.sweep(recent, settled, T + timedelta(hours=1), settle=True)
        assert due == rules.Sweep(T - timedelta(days=30), True)

    def test_a_first_settling_sweep_reaches_thirty_days_before_the_recent_mark(self) -> None:
        due = rules.sweep(self.mark, None, T + timedelta(minutes=2), settle=True)
        assert due == rules.Sweep(T - timedelta(days=30), True)

    def test_a_period_asked_by_hand_wins_and_leaves_the_settling_mark(self) -> None:
        asked = T - timedelta(days=400)
        assert rules.sweep(self.mark, self.mark, T, since=asked, settle=True) == rules.Sweep(
            asked, False
        )

    def test_never_before_the_epoch(self) -> None:
        early = rules.Mark(until=rules.EPOCH + timedelta(days=1), at=T)
        assert rules.sweep(early, None, T + timedelta(hours=2), settle=True) == rules.Sweep(
            rules.EPOCH, True
        )
