"""Reading bypasses and reviews for internal audit: scoped lists, filters and statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.compliance import bypasses
from domain.compliance import control_commands as cmd
from domain.compliance import control_queries as ccq
from domain.compliance.bypass_rules import BypassState
from domain.kernel.errors import DomainError
from tests.domain.compliance.conftest import DAY, HOUR, ComplianceWorld
from tests.world import OnlyIn


async def listed(
    world: ComplianceWorld, state: BypassState | None, authorizer: object = None
) -> list[object]:
    # Within the world's BU: the database is shared with tests that commit (the API's).
    page = await ccq.bypasses(
        world.reader(authorizer=authorizer),
        bu_id=world.bu,
        release_id=None,
        state=state,
        now=world.clock.now(),
        first=50,
        after=None,
    )
    return [r.id for r in page.items]


class TestListingBypasses:
    async def test_the_state_filter_follows_the_clock(self, world: ComplianceWorld) -> None:
        release, env = await world.release(), await world.environment()
        pending = await world.request(release, env)
        short = await world.approve(await world.request(release, env, duration_hours=1))
        long = await world.approve(await world.request(release, env, duration_hours=6))
        assert await listed(world, BypassState.PENDING) == [pending.id]
        assert set(await listed(world, BypassState.ACTIVE)) == {short.id, long.id}
        world.clock.advance(2 * HOUR)
        assert await listed(world, BypassState.ACTIVE) == [long.id]
        assert await listed(world, BypassState.EXPIRED) == [short.id]

    async def test_bypasses_of_other_bus_are_not_listed(self, world: ComplianceWorld) -> None:
        await world.request(await world.release(), await world.environment())
        assert await listed(world, None, OnlyIn(world.other_bu)) == []

    async def test_pages_follow_each_other(self, world: ComplianceWorld) -> None:
        release, env = await world.release(), await world.environment()
        made = []
        for _ in range(3):
            made.append((await world.request(release, env)).id)
            world.clock.advance(timedelta(seconds=1))
        r = world.reader()
        first = await ccq.bypasses(
            r,
            bu_id=world.bu,
            release_id=release.id,
            state=None,
            now=world.clock.now(),
            first=2,
            after=None,
        )
        rest = await ccq.bypasses(
            r,
            bu_id=world.bu,
            release_id=release.id,
            state=None,
            now=world.clock.now(),
            first=2,
            after=first.cursors[-1],
        )
        assert [x.id for x in first.items] + [x.id for x in rest.items] == made
        assert (first.has_next, rest.has_next) == (True, False)


class TestOverdueReviews:
    async def test_the_work_list_holds_open_reviews_past_due_soonest_first(
        self, world: ComplianceWorld
    ) -> None:
        _, _, early = await world.active()
        world.clock.advance(DAY)
        _, _, later = await world.active()
        _, _, done = await world.active()
        review = await world.review_of(done)
        uow = world.uow("carol")
        await bypasses.complete_review(
            uow, cmd.CompleteReview(review.id, 1, "justified", "All in order here.")
        )
        await uow.commit()
        world.clock.advance(10 * DAY)
        page = await ccq.reviews(
            world.reader(),
            bu_id=world.bu,
            overdue=True,
            completed=None,
            now=world.clock.now(),
            first=50,
            after=None,
        )
        expected = [(await world.review_of(b)).id for b in (early, later)]
        assert [r.id for r in page.items] == expected
        not_overdue = await ccq.reviews(
            world.reader(),
            bu_id=world.bu,
            overdue=False,
            completed=None,
            now=world.clock.now(),
            first=50,
            after=None,
        )
        assert [r.id for r in not_overdue.items] == [review.id]


class TestStatistics:
    async def test_rates_overdue_counts_and_time_to_review_per_bu(
        self, world: ComplianceWorld
    ) -> None:
        start = world.clock.now() - HOUR
        release, env = await world.release(), await world.environment()
        await world.release(release_type="standard")
        await world.request(release, env)
        approved = await world.approve(await world.request(release, env))
        review = await world.review_of(approved)
        world.clock.advance(6 * HOUR)
        uow = world.uow("carol")
        await bypasses.complete_review(
            uow, cmd.CompleteReview(review.id, 1, "justified", "Justified by INC-4711.")
        )
        await uow.commit()
        await world.approve(await world.request(release, env))
        world.clock.advance(30 * DAY)
        lines = await ccq.statistics(
            world.reader(), start=start, end=start + DAY, bu_id=world.bu, now=world.clock.now()
        )
        (line,) = lines
        assert (line.requested, line.approved, line.releases) == (3, 2, 2)
        assert line.rate == 1.0
        assert (line.overdue_reviews, line.completed_reviews) == (1, 1)
        assert line.mean_hours_to_review == 6.0

    async def test_a_reversed_period_is_refused(self, world: ComplianceWorld) -> None:
        now = world.clock.now()
        with pytest.raises(DomainError) as e:
            await ccq.statistics(world.reader(), start=now, end=now - DAY, bu_id=None, now=now)
        assert e.value.code == "INVALID_PERIOD"

    async def test_other_bus_are_left_out(self, world: ComplianceWorld) -> None:
        start = world.clock.now() - HOUR
        await world.request(await world.release(), await world.environment())
        lines = await ccq.statistics(
            world.reader(authorizer=OnlyIn(world.other_bu)),
            start=start,
            end=start + DAY,
            bu_id=None,
            now=world.clock.now(),
        )
        assert all(line.bu_id == world.other_bu for line in lines)
