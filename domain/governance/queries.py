"""Read use cases of governance: every list and batch is scoped to the BUs the actor may read.

Org-level things (org templates and boards, sign-off rules) are visible to anyone who may
read that kind of thing somewhere: they apply to every BU's releases.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.governance import assessment
from domain.governance import board_repository as board_repo
from domain.governance import repository as repo
from domain.governance import signoff_rules as so
from domain.governance.models import Board, DocumentTemplate, Release, SignOffRule
from domain.kernel.access import Action, Resource
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.repository import rows_by_ids
from domain.kernel.scoped_reads import scoped_page

Rows = dict[Any, Row[Any]]
Grouped = dict[Any, list[Row[Any]]]
EMPTY: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])


def _visible(r: Reader, resource: Resource, bu_id: uuid.UUID | None) -> bool:
    scope = r.scope(resource)
    return not scope.empty if bu_id is None else scope.allows(bu_id)


def _filter(rows: Rows, r: Reader, resource: Resource) -> Rows:
    return {k: v for k, v in rows.items() if _visible(r, resource, v.bu_id)}


# -- releases --------------------------------------------------------------------------------


async def releases_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _filter(await rows_by_ids(r.session, Release.__table__, ids), r, Resource.RELEASE)


async def services_of_releases(r: Reader, ids: Sequence[uuid.UUID]) -> Grouped:
    """What each release ships, as far as the actor may read the services."""
    grouped = await repo.shipped_services(r.session, ids)
    scope = r.scope(Resource.SERVICE)
    return {k: [s for s in v if scope.allows(s.bu_id)] for k, v in grouped.items()}


async def authors_of_releases(r: Reader, ids: Sequence[uuid.UUID]) -> Grouped:
    if r.scope(Resource.PERSON).empty:
        return {}
    return await repo.authors_by_release(r.session, ids)


async def completeness_of(
    r: Reader, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, assessment.Completeness]:
    rows = list((await releases_by_id(r, ids)).values())
    return await assessment.completeness(r.session, rows)


async def sign_off_states_of(
    r: Reader, ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, list[so.State]]:
    if r.scope(Resource.SIGN_OFF).empty:
        return {}
    rows = [
        x
        for x in (await releases_by_id(r, ids)).values()
        if _visible(r, Resource.SIGN_OFF, x.bu_id)
    ]
    return await assessment.sign_off_states(r.session, rows, now)


async def sessions_of_releases(r: Reader, ids: Sequence[uuid.UUID]) -> Grouped:
    grouped = await board_repo.sessions_by_release(r.session, ids)
    scope = r.scope(Resource.GO_NO_GO)
    return {k: [s for s in v if scope.allows(s.bu_id)] for k, v in grouped.items()}


# -- go/no-go --------------------------------------------------------------------------------


async def sessions_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    rows = await board_repo.session_rows(r.session, ids)
    scope = r.scope(Resource.GO_NO_GO)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def votes_of_sessions(r: Reader, ids: Sequence[uuid.UUID]) -> Grouped:
    """Votes of sessions the caller reached through a visible session (the parent filters)."""
    return await board_repo.votes_by_session(r.session, ids)


# -- boards ----------------------------------------------------------------------------------


boards = scoped_page(Resource.BOARD, board_repo.boards_page)


async def boards_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _filter(await rows_by_ids(r.session, Board.__table__, ids), r, Resource.BOARD)


async def members_of_boards(r: Reader, ids: Sequence[uuid.UUID]) -> Grouped:
    return await board_repo.members_by_board(r.session, ids)


# -- templates -------------------------------------------------------------------------------


templates = scoped_page(Resource.DOCUMENT_TEMPLATE, repo.templates_page)


async def templates_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    rows = await rows_by_ids(r.session, DocumentTemplate.__table__, ids)
    return _filter(rows, r, Resource.DOCUMENT_TEMPLATE)


# -- sign-offs -------------------------------------------------------------------------------


async def sign_off_rules(r: Reader, *, first: int | None, after: str | None) -> Page[Row[Any]]:
    if r.scope(Resource.SIGN_OFF_RULE).empty:
        return EMPTY
    return await repo.rules_page(r.session, first=first, after=after)


async def sign_off_rules_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    if r.scope(Resource.SIGN_OFF_RULE).empty:
        return {}
    return await rows_by_ids(r.session, SignOffRule.__table__, ids)


async def sign_offs_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    rows = await repo.sign_off_rows(r.session, ids)
    return _filter(rows, r, Resource.SIGN_OFF)


@dataclass(frozen=True, slots=True)
class VoterStanding:
    """Whether the reader may vote in a session now, as cast_vote would judge it, and why not."""

    may_vote: bool
    discipline: str | None
    reason: str


async def voter_standing(r: Reader, sessions: Sequence[Any]) -> dict[uuid.UUID, VoterStanding]:
    """For each session row (with release_id, board_id, status, bu_id): the reader's standing.
    Three statements whatever the number of sessions."""
    person = r.actor.person_id
    if not sessions:
        return {}
    boards = sorted({s.board_id for s in sessions}, key=str)
    releases = sorted({s.release_id for s in sessions}, key=str)
    members = await board_repo.memberships_of(r.session, boards, person) if person else {}
    conflicted = await repo.owners_and_authors(r.session, releases)
    out = {}
    for s in sessions:
        discipline = members.get(s.board_id)
        if r.authorizer.check(r.actor, Action.VOTE, Resource.GO_NO_GO, s.bu_id) is None:
            out[s.id] = VoterStanding(False, discipline, "You may not vote on go/no-go here.")
        elif s.status != "open":
            out[s.id] = VoterStanding(False, discipline, "The session is closed.")
        elif person is None or discipline is None:
            out[s.id] = VoterStanding(False, None, "Only the board's members vote.")
        elif person in conflicted.get(s.release_id, set()):
            out[s.id] = VoterStanding(
                False, discipline, "The release's owner and authors do not vote on it."
            )
        else:
            out[s.id] = VoterStanding(True, discipline, f"You vote for {discipline}.")
    return out


async def standings_of_sessions(
    r: Reader, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, VoterStanding]:
    """The reader's standing in each visible session (for a DataLoader)."""
    return await voter_standing(r, list((await sessions_by_id(r, ids)).values()))
