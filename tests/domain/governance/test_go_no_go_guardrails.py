"""A go/no-go session needs a go vote from each discipline the guardrails of the release's
services name (`go_no_go_disciplines`), on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import boards, go_no_go
from domain.governance import commands as cmd
from domain.governance.models import GoNoGoSession, Release
from domain.governance.vocabulary import ReleaseStatus, SessionOutcome
from tests.world import World, unique


class BoardWorld(World):
    acting_as = "rita"
    release: Release

    async def open(self, *members: tuple[str, str]) -> GoNoGoSession:
        """A session of a new board seating these (person, discipline) on the release."""
        board = await self.run(
            boards.create_board,
            cmd.CreateBoard(
                bu_id=self.release.bu_id,
                key=unique("cab"),
                name="Board",
                quorum=1,
                approvals_needed=1,
                members=[cmd.Member(self.people[p].id, d) for p, d in members],
            ),
        )
        return await self.run(go_no_go.open_session, cmd.OpenSession(self.release.id, board.id))

    async def close(self, session: GoNoGoSession, votes: dict[str, str]) -> GoNoGoSession:
        for who, choice in votes.items():
            await self.run(go_no_go.cast_vote, cmd.CastVote(session.id, choice, "Why."), who=who)
        return await self.run(go_no_go.close_session, cmd.CloseSession(session.id, session.version))


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> BoardWorld:
    """A submitted release of one internal service under the core guardrails (a go vote from
    engineering and product), and approvers of three disciplines."""
    world = BoardWorld(session, now)
    for name in ("rita", "owner", "erin", "pia", "sam"):
        await world.add.person(name)
    bu = await world.add.bu()
    service = await world.add.service(await world.add.team(bu.id), "svc")
    world.release = await world.add.release(
        bu.id, owner="owner", status=ReleaseStatus.SUBMITTED, services=[service.id]
    )
    return world


class TestTheGuardrailsDisciplinesVoteGo:
    async def test_the_session_copies_the_guardrails_disciplines(self, world: BoardWorld) -> None:
        session = await world.open(("erin", "engineering"))
        assert session.rule["go_disciplines"] == ["engineering", "product"]

    async def test_without_a_product_vote_there_is_no_quorum(self, world: BoardWorld) -> None:
        session = await world.open(("erin", "engineering"), ("sam", "security"))
        closed = await world.close(session, {"erin": "go", "sam": "go"})
        assert closed.outcome == SessionOutcome.NO_QUORUM
        assert closed.decided_by_rule == (
            "no quorum: required disciplines without a go or no-go vote: product (guardrails)"
        )
        assert world.release.status == ReleaseStatus.SUBMITTED

    async def test_a_product_no_go_rejects_despite_the_majority(self, world: BoardWorld) -> None:
        session = await world.open(("erin", "engineering"), ("pia", "product"), ("sam", "security"))
        closed = await world.close(session, {"erin": "go", "sam": "go", "pia": "no_go"})
        assert closed.outcome == SessionOutcome.NO_GO
        assert closed.decided_by_rule.endswith("no go vote from product")
        assert world.release.status == ReleaseStatus.REJECTED

    async def test_go_votes_from_engineering_and_product_approve(self, world: BoardWorld) -> None:
        session = await world.open(("erin", "engineering"), ("pia", "product"))
        closed = await world.close(session, {"erin": "go", "pia": "go"})
        assert closed.outcome == SessionOutcome.GO
        assert world.release.status == ReleaseStatus.APPROVED
