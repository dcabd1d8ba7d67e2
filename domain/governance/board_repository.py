"""All SQL of boards, go/no-go sessions and votes (the rest of governance: repository.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import Board, BoardMember, GoNoGoSession, Vote
from domain.governance.repository import (
    BOARD,
    MEMBER,
    PERSON,
    RELEASE,
    SESSION,
    VOTE,
)
from domain.governance.vocabulary import SessionStatus, VoteChoice
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, id_param, rows_with_bu_by_ids, scoped

# -- boards ----------------------------------------------------------------------------------


async def get_board(session: AsyncSession, board_id: uuid.UUID) -> Board | None:
    return await session.get(Board, board_id)


async def board_key_taken(session: AsyncSession, domain: str, key: str) -> bool:
    return bool(
        await session.scalar(select(exists().where(BOARD.c.domain == domain, BOARD.c.key == key)))
    )


async def replace_members(
    session: AsyncSession, board_id: uuid.UUID, members: Sequence[tuple[uuid.UUID, str]]
) -> None:
    await session.execute(delete(BoardMember).where(BoardMember.board_id == board_id))
    session.add_all(BoardMember(board_id=board_id, person_id=p, discipline=d) for p, d in members)
    await session.flush()


async def member_rows(session: AsyncSession, board_id: uuid.UUID) -> list[tuple[str, str]]:
    stmt = select(MEMBER.c.person_id, MEMBER.c.discipline).where(MEMBER.c.board_id == board_id)
    return sorted((str(p), d) for p, d in (await session.execute(stmt)).all())


async def membership(
    session: AsyncSession, board_id: uuid.UUID, person_id: uuid.UUID
) -> BoardMember | None:
    return await session.scalar(
        select(BoardMember).where(
            BoardMember.board_id == board_id, BoardMember.person_id == person_id
        )
    )


async def members_by_board(session: AsyncSession, board_ids: Sequence[uuid.UUID]) -> Grouped:
    stmt = (
        select(PERSON, MEMBER.c.board_id, MEMBER.c.discipline.label("_discipline"))
        .join(MEMBER, MEMBER.c.person_id == PERSON.c.id)
        .where(MEMBER.c.board_id.in_(board_ids))
        .order_by(MEMBER.c.discipline, PERSON.c.username)
    )
    return group_by((await session.execute(stmt)).all(), "board_id")


async def boards_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(BOARD), BOARD.c.bu_id, scope, org_rows=True)
    if bu_id is not None:
        stmt = stmt.where(or_(BOARD.c.bu_id == bu_id, BOARD.c.bu_id.is_(None)))
    return await page_by(session, stmt, BOARD, "key", first=first, after=after)


# -- go/no-go sessions and votes --------------------------------------------------------------


async def get_session(
    session: AsyncSession, session_id: uuid.UUID, *, for_update: bool = False
) -> GoNoGoSession | None:
    stmt = select(GoNoGoSession).where(GoNoGoSession.id == session_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def open_session_of(session: AsyncSession, release_id: uuid.UUID) -> GoNoGoSession | None:
    return await session.scalar(
        select(GoNoGoSession).where(
            GoNoGoSession.release_id == release_id, GoNoGoSession.status == SessionStatus.OPEN
        )
    )


async def get_vote(
    session: AsyncSession, session_id: uuid.UUID, person_id: uuid.UUID
) -> Vote | None:
    return await session.scalar(
        select(Vote).where(Vote.session_id == session_id, Vote.person_id == person_id)
    )


async def ballots(session: AsyncSession, session_id: uuid.UUID) -> list[Row[Any]]:
    """The votes of a session with each voter's display name."""
    stmt = (
        select(VOTE, PERSON.c.display_name)
        .join(PERSON, PERSON.c.id == VOTE.c.person_id)
        .where(VOTE.c.session_id == session_id)
    )
    return list((await session.execute(stmt)).all())


async def votes_by_session(session: AsyncSession, session_ids: Sequence[uuid.UUID]) -> Grouped:
    stmt = (
        select(VOTE, PERSON.c.display_name)
        .join(PERSON, PERSON.c.id == VOTE.c.person_id)
        .where(VOTE.c.session_id.in_(session_ids))
        .order_by(VOTE.c.cast_at, VOTE.c.id)
    )
    return group_by((await session.execute(stmt)).all(), "session_id")


async def sessions_by_release(session: AsyncSession, release_ids: Sequence[uuid.UUID]) -> Grouped:
    stmt = (
        select(SESSION, RELEASE.c.bu_id)
        .join(RELEASE, RELEASE.c.id == SESSION.c.release_id)
        .where(SESSION.c.release_id.in_(release_ids))
        .order_by(SESSION.c.opened_at, SESSION.c.id)
    )
    return group_by((await session.execute(stmt)).all(), "release_id")


async def decided_sessions(
    session: AsyncSession, release_id: uuid.UUID
) -> list[tuple[uuid.UUID, str, frozenset[str]]]:
    """The release's decided sessions, oldest first, each with its outcome and the disciplines
    that voted go in it (one statement)."""
    found: dict[uuid.UUID, tuple[str, set[str]]] = {}
    for row in (await session.execute(_DECIDED, {"id": release_id})).all():
        _, go = found.setdefault(row.id, (row.outcome, set()))
        if row.discipline is not None:
            go.add(row.discipline)
    return [(sid, outcome, frozenset(go)) for sid, (outcome, go) in found.items()]


# Built once (a cold decision snapshot reads it; building costs more than running).
_DECIDED = prepared(
    select(SESSION.c.id, SESSION.c.outcome, VOTE.c.discipline)
    .outerjoin(VOTE, (VOTE.c.session_id == SESSION.c.id) & (VOTE.c.choice == VoteChoice.GO.value))
    .where(SESSION.c.release_id == id_param(), SESSION.c.outcome.is_not(None))
    .order_by(SESSION.c.opened_at, SESSION.c.id)
)


async def session_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_with_bu_by_ids(session, SESSION, ids, parent=RELEASE, via="release_id")


async def memberships_of(
    session: AsyncSession, board_ids: Sequence[uuid.UUID], person_id: uuid.UUID
) -> dict[uuid.UUID, str]:
    """The person's discipline on each of these boards where they are a member."""
    stmt = select(BoardMember.board_id, BoardMember.discipline).where(
        BoardMember.board_id.in_(board_ids), BoardMember.person_id == person_id
    )
    return {row.board_id: row.discipline for row in (await session.execute(stmt)).all()}
