"""Use cases of go/no-go sessions: open for a submitted release, vote, close and decide.

The decision is `board_rules.decide` over the rule copied into the session when it opened
(the board's rule, and the `go_no_go_disciplines` guardrail of the services the release ships);
its outcome drives the release: GO approves it when every required sign-off is valid, NO_GO
rejects it, NO_QUORUM leaves it submitted.
"""

from __future__ import annotations

from domain.governance import board_repository as board_repo
from domain.governance import board_rules, release_rules
from domain.governance import commands as cmd
from domain.governance import repository as repo
from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.models import GoNoGoSession, Release, Vote
from domain.governance.releases import outstanding_sign_offs, release_for_update
from domain.governance.vocabulary import ReleaseStatus, SessionOutcome, SessionStatus, VoteChoice
from domain.guardrails.facts import go_no_go_disciplines, guardrails_of_services
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.notify import LIVE_CHANNEL, notify_on_commit
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork


async def open_session(uow: UnitOfWork, c: cmd.OpenSession) -> GoNoGoSession:
    """Open a session of a board (org-wide or the release's BU) for a submitted release."""
    release = await release_for_update(uow, c.release_id)
    rule = uow.authorize(Action.CREATE, Resource.GO_NO_GO, release.bu_id)
    if release.status != ReleaseStatus.SUBMITTED:
        raise DomainError(
            f"Go/no-go decides a submitted release; this one is {release.status}.",
            code=Code.NOT_SUBMITTED,
        )
    board = await board_repo.get_board(uow.session, c.board_id)
    if board is None:
        raise NotFound("Board was not found.", field="boardId")
    if board.bu_id is not None and board.bu_id != release.bu_id:
        raise DomainError(
            "Only an org board or a board of the release's own BU decides it.",
            code=Code.BOARD_NOT_IN_SCOPE,
            field="boardId",
        )
    if await board_repo.open_session_of(uow.session, release.id) is not None:
        raise DomainError(
            "A go/no-go session for this release is already open.", code=Code.SESSION_ALREADY_OPEN
        )
    decision_rule = board_rules.BoardRule(
        quorum=board.quorum,
        approvals_needed=board.approvals_needed,
        required_disciplines=frozenset(board.required_disciplines),
        veto_disciplines=frozenset(board.veto_disciplines),
        go_disciplines=await _guardrail_disciplines(uow, release),
    )
    session = GoNoGoSession(
        release_id=release.id,
        board_id=board.id,
        rule=decision_rule.as_dict(),
        status=SessionStatus.OPEN,
        opened_by_id=uow.actor.person_id,
        opened_at=uow.clock.now(),
    )
    await uow.created(session, action="go_no_go.open", bu_id=release.bu_id, rule=rule)
    await notify_on_commit(uow.session, LIVE_CHANNEL, f"go_no_go:{session.id}")
    return session


async def _guardrail_disciplines(uow: UnitOfWork, release: Release) -> frozenset[str]:
    """The disciplines whose go vote the guardrails of the release's services require."""
    shipped = (await repo.shipped_services(uow.session, [release.id])).get(release.id, [])
    found = await guardrails_of_services(uow.session, [s.id for s in shipped])
    return go_no_go_disciplines(found.values())


async def _session(uow: UnitOfWork, session_id: object) -> tuple[GoNoGoSession, Release]:
    session = await board_repo.get_session(uow.session, session_id, for_update=True)  # type: ignore[arg-type]
    if session is None:
        raise NotFound("Go/no-go session was not found.")
    try:
        release = await release_for_update(uow, session.release_id)
    except NotFound:
        raise NotFound("Go/no-go session was not found.") from None
    if not uow.scope(Action.READ, Resource.GO_NO_GO).allows(release.bu_id):
        raise NotFound("Go/no-go session was not found.")
    return session, release


def _still_open(session: GoNoGoSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise DomainError("The session is closed.", code=Code.SESSION_CLOSED)


async def cast_vote(uow: UnitOfWork, c: cmd.CastVote) -> GoNoGoSession:
    """A board member's vote; cast again to change it while the session is open."""
    session, release = await _session(uow, c.session_id)
    rule = uow.authorize(Action.VOTE, Resource.GO_NO_GO, release.bu_id)
    _still_open(session)
    person_id = uow.actor.person_id
    member = (
        await board_repo.membership(uow.session, session.board_id, person_id) if person_id else None
    )
    if person_id is None or member is None:
        raise DomainError("Only the board's members vote.", code=Code.NOT_A_MEMBER)
    if person_id == release.owner_id or person_id in await repo.author_ids(uow.session, release.id):
        raise DomainError(
            "The release's owner and authors do not vote on it.", code=Code.CONFLICT_OF_INTEREST
        )
    choice = VoteChoice(
        release_rules.choice(VoteChoice, c.choice, Code.INVALID_BOARD_RULE, "choice")
    )
    rationale = board_rules.check_rationale(choice, c.rationale)
    now = uow.clock.now()
    vote = await board_repo.get_vote(uow.session, session.id, person_id)
    if vote is None:
        vote = Vote(
            session_id=session.id,
            person_id=person_id,
            discipline=member.discipline,
            choice=choice,
            rationale=rationale,
            cast_at=now,
        )
        await uow.created(vote, action="vote.cast", bu_id=release.bu_id, rule=rule)
    elif (vote.choice, vote.rationale, vote.discipline) == (choice, rationale, member.discipline):
        return session  # the same vote again changes nothing, so nothing is recorded
    else:
        before = snapshot(vote)
        vote.choice, vote.rationale, vote.discipline, vote.changed_at = (
            choice,
            rationale,
            member.discipline,
            now,
        )
        await uow.updated(vote, before, action="vote.change", bu_id=release.bu_id, rule=rule)
    await notify_on_commit(uow.session, LIVE_CHANNEL, f"go_no_go:{session.id}")
    return session


async def close_session(uow: UnitOfWork, c: cmd.CloseSession) -> GoNoGoSession:
    """Close and decide; the outcome and the clause that produced it are kept on the session."""
    session, release = await _session(uow, c.session_id)
    rule = uow.authorize(Action.UPDATE, Resource.GO_NO_GO, release.bu_id)
    expect_version(session, c.version, "The session")
    _still_open(session)
    ballots = [
        board_rules.Ballot(
            voter=r.display_name, discipline=r.discipline, choice=VoteChoice(r.choice)
        )
        for r in await board_repo.ballots(uow.session, session.id)
    ]
    decision = board_rules.decide(board_rules.BoardRule.from_dict(session.rule), ballots)
    before = snapshot(session)
    session.status = SessionStatus.CLOSED
    session.closed_at = uow.clock.now()
    session.outcome = decision.outcome
    clause = decision.clause
    if release.status == ReleaseStatus.SUBMITTED:
        clause = await _drive_release(uow, session, release, decision, rule)
    session.decided_by_rule = clause
    await uow.updated(session, before, action="go_no_go.close", bu_id=release.bu_id, rule=rule)
    await notify_on_commit(uow.session, LIVE_CHANNEL, f"go_no_go:{session.id}")
    return session


async def _drive_release(
    uow: UnitOfWork,
    session: GoNoGoSession,
    release: Release,
    decision: board_rules.Decision,
    rule: str,
) -> str:
    """GO approves (when sign-offs allow), NO_GO rejects; returns the clause as recorded."""
    if decision.outcome is SessionOutcome.NO_QUORUM:
        return decision.clause
    target = (
        ReleaseStatus.APPROVED if decision.outcome is SessionOutcome.GO else ReleaseStatus.REJECTED
    )
    release_rules.transition(release.status, target)
    if target is ReleaseStatus.APPROVED:
        outstanding = await outstanding_sign_offs(uow, release)
        if outstanding:
            names = ", ".join(f"{s.requirement} ({s.discipline}, {s.status})" for s in outstanding)
            return (
                f"{decision.clause}; release stays submitted: sign-offs missing or expired: {names}"
            )
    before = snapshot(release)
    release.status = target
    release.decided_at = uow.clock.now()
    release.status_reason = f"go/no-go {decision.outcome}: {decision.clause}"[:2000]
    verb = "approve" if target is ReleaseStatus.APPROVED else "reject"
    await uow.updated(
        release,
        before,
        action=f"release.{verb}",
        bu_id=release.bu_id,
        rule=f"{rule}; go/no-go session {session.id} decided {decision.outcome}",
    )
    return decision.clause
