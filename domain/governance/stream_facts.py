"""A release's approval trail, as plain facts for the value stream (insights): when approval
was asked and given, every approval in the chain (sign-offs, go votes) against how many the
rules required, and the loops of re-work (a rejected release cloned and resubmitted, a no-go
session followed by another).

Batched over releases: at most eight statements, whatever their number.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import assessment
from domain.governance import board_repository as boards
from domain.governance import repository as repo
from domain.governance.models import Release
from domain.governance.vocabulary import ReleaseStatus, SessionOutcome, VoteChoice

APPROVED_OR_LATER = frozenset(
    {
        ReleaseStatus.APPROVED,
        ReleaseStatus.SCHEDULED,
        ReleaseStatus.DEPLOYING,
        ReleaseStatus.DEPLOYED,
        ReleaseStatus.ROLLED_BACK,
    }
)


@dataclass(frozen=True, slots=True)
class ApprovalGiven:
    """One approval in a release's chain: a sign-off or a go vote."""

    person_id: uuid.UUID
    kind: str
    """`sign_off` or `go_vote`."""
    detail: str
    """The sign-off's requirement, or the vote's discipline."""
    at: datetime


@dataclass(frozen=True, slots=True)
class ReworkLoop:
    """A release (or a board session) sent back and tried again."""

    what: str
    rejected_at: datetime
    resubmitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ApprovalTrail:
    release_id: uuid.UUID
    title: str
    submitted_at: datetime | None
    approved_at: datetime | None
    """When the release was approved (None: not approved)."""
    approvals: tuple[ApprovalGiven, ...]
    approvals_required: int
    """Required sign-offs plus the go votes the deciding board session needed."""
    board_open: tuple[tuple[datetime, datetime], ...]
    """When go/no-go sessions sat (opened, closed)."""
    rework: tuple[ReworkLoop, ...]


async def _releases(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Release]:
    if not ids:
        return {}
    found = await session.scalars(select(Release).where(Release.id.in_(set(ids))))
    return {r.id: r for r in found}


async def approval_trails(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ApprovalTrail]:
    """The approval trail of each release among `release_ids` (absent ones are left out)."""
    found = await _releases(session, release_ids)
    if not found:
        return {}
    earlier = await _releases(
        session, {r.cloned_from_id for r in found.values() if r.cloned_from_id}
    )
    ids = sorted(found, key=str)
    required = await assessment.required_sign_offs(session, list(found.values()))
    signed = await repo.sign_offs_by_release(session, ids)
    sittings = await boards.sessions_by_release(session, ids)
    votes = await boards.votes_by_session(
        session, [s.id for rows in sittings.values() for s in rows]
    )
    out: dict[uuid.UUID, ApprovalTrail] = {}
    for rid in ids:
        r = found[rid]
        approvals = [
            ApprovalGiven(s.signer_id, "sign_off", s.requirement, s.signed_at)
            for s in signed.get(rid, [])
        ]
        rework: list[ReworkLoop] = []
        needed = 0
        board_open: list[tuple[datetime, datetime]] = []
        rows = sittings.get(rid, [])
        for i, s in enumerate(rows):
            if s.closed_at is not None:
                board_open.append((s.opened_at, s.closed_at))
            if s.outcome == SessionOutcome.NO_GO and s.closed_at is not None:
                later = rows[i + 1].opened_at if i + 1 < len(rows) else None
                rework.append(ReworkLoop("go/no-go session decided no-go", s.closed_at, later))
            if s.outcome == SessionOutcome.GO:
                needed = int((s.rule or {}).get("approvals_needed", 0))
                approvals += [
                    ApprovalGiven(v.person_id, "go_vote", v.discipline, v.changed_at or v.cast_at)
                    for v in votes.get(s.id, [])
                    if v.choice == VoteChoice.GO
                ]
        before = earlier.get(r.cloned_from_id) if r.cloned_from_id else None
        if before is not None and before.status == ReleaseStatus.REJECTED and before.decided_at:
            rework.insert(
                0,
                ReworkLoop(f"release “{before.title}” rejected", before.decided_at, r.submitted_at),
            )
        out[rid] = ApprovalTrail(
            release_id=rid,
            title=r.title,
            submitted_at=r.submitted_at,
            approved_at=r.decided_at if r.status in APPROVED_OR_LATER else None,
            approvals=tuple(sorted(approvals, key=lambda a: (a.at, a.kind))),
            approvals_required=len(required.get(rid, [])) + needed,
            board_open=tuple(board_open),
            rework=tuple(rework),
        )
    return out
