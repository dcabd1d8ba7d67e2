"""Cancelling a release closes its open go/no-go session, undecided, in the same unit of work
(SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from domain.governance import commands as cmd
from domain.governance import go_no_go, releases
from domain.governance.vocabulary import ReleaseStatus, SessionStatus
from domain.kernel.errors import DomainError
from tests.domain.governance.test_go_no_go_guardrails import BoardWorld, world

__all__ = ["world"]


class TestCancellingAReleaseClosesItsGoNoGo:
    async def test_the_open_session_closes_without_an_outcome_and_takes_no_more_votes(
        self, world: BoardWorld
    ) -> None:
        session = await world.open(("erin", "engineering"), ("pia", "product"))
        await world.run(go_no_go.cast_vote, cmd.CastVote(session.id, "go", "Why."), who="erin")
        release = world.release
        move = cmd.MoveRelease(release.id, release.version, "Superseded.")
        await world.run(releases.cancel_release, move)
        assert release.status == ReleaseStatus.CANCELLED
        assert (session.status, session.outcome) == (SessionStatus.CLOSED, None)
        assert session.closed_at == world.clock.now()
        assert session.decided_by_rule == "closed undecided: the release was cancelled"
        assert (await world.audit_actions(session.id))[-1] == "go_no_go.close"
        late = cmd.CastVote(session.id, "go", "Late.")
        with pytest.raises(DomainError) as refused:
            await world.run(go_no_go.cast_vote, late, who="pia")
        assert refused.value.code == "SESSION_CLOSED"

    async def test_a_release_without_a_session_cancels_as_before(self, world: BoardWorld) -> None:
        release = world.release
        await world.run(releases.cancel_release, cmd.MoveRelease(release.id, release.version))
        assert release.status == ReleaseStatus.CANCELLED
