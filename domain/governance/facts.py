"""What the governance context publishes to the contexts above it: batched fact readers.

A release as plain facts: its status, change types, the services it ships and its authors,
and, for a production promotion, what going live needs: its sign-offs (judged against the
clock by the reader of the facts), its documentation gaps and its board's decisions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import assessment
from domain.governance import board_repository as boards
from domain.governance import repository as repo
from domain.governance.models import Release


@dataclass(frozen=True, slots=True)
class SignOffFacts:
    """A required sign-off and the one given for it (if any), with when it expires."""

    requirement: str
    discipline: str
    sign_off_id: uuid.UUID | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class BoardDecisionFacts:
    """A go/no-go session of the release that reached an outcome."""

    session_id: uuid.UUID
    outcome: str


@dataclass(frozen=True, slots=True)
class GoLiveFacts:
    """What a release needs before production, as read now."""

    sign_offs: tuple[SignOffFacts, ...]
    missing_documentation: tuple[str, ...]
    """Each missing field as `section.field`."""
    board_decisions: tuple[BoardDecisionFacts, ...]
    """Decided sessions, oldest first."""


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    id: uuid.UUID
    bu_id: uuid.UUID
    status: str
    change_types: tuple[str, ...]
    service_ids: frozenset[uuid.UUID]
    author_ids: tuple[uuid.UUID, ...]
    go_live: GoLiveFacts | None = None
    """Read for production promotions only."""


async def release_facts(
    session: AsyncSession, release_id: uuid.UUID, now: datetime, *, go_live: bool
) -> ReleaseFacts | None:
    """A release as plain facts (None when it does not exist): three statements, and six
    more with what going live needs."""
    release = await repo.get_release(session, release_id)
    if release is None:
        return None
    shipped = (await repo.shipped_services(session, [release.id])).get(release.id, [])
    return ReleaseFacts(
        id=release.id,
        bu_id=release.bu_id,
        status=release.status,
        change_types=tuple(release.change_types or ()),
        service_ids=frozenset(s.id for s in shipped),
        author_ids=tuple(await repo.author_ids(session, release.id)),
        go_live=await _go_live(session, release, now) if go_live else None,
    )


async def _go_live(session: AsyncSession, release: Release, now: datetime) -> GoLiveFacts:
    states = (await assessment.sign_off_states(session, [release], now))[release.id]
    done = (await assessment.completeness(session, [release]))[release.id]
    sessions = (await boards.sessions_by_release(session, [release.id])).get(release.id, [])
    return GoLiveFacts(
        sign_offs=tuple(
            SignOffFacts(
                s.requirement,
                s.discipline,
                s.sign_off.id if s.sign_off else None,
                s.sign_off.expires_at if s.sign_off else None,
            )
            for s in states
        ),
        missing_documentation=tuple(f"{m.section}.{m.field}" for m in done.missing),
        board_decisions=tuple(
            BoardDecisionFacts(s.id, s.outcome) for s in sessions if s.outcome is not None
        ),
    )
