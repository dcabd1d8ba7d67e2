"""Use cases of approval boards: their members by discipline and their decision rule."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from domain.governance import board_repository as board_repo
from domain.governance import board_rules
from domain.governance import commands as cmd
from domain.governance import repository as repo
from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.models import Board
from domain.governance.templates import _key, _name
from domain.kernel.access import Action, Resource, domain_of
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts


async def _members(uow: UnitOfWork, members: Sequence[cmd.Member]) -> list[tuple[uuid.UUID, str]]:
    ids = [m.person_id for m in members]
    if len(set(ids)) != len(ids):
        raise DomainError(
            "A person sits on a board once.", code=Code.INVALID_BOARD_RULE, field="members"
        )
    if ids and await repo.people_exist(uow.session, ids) != set(ids):
        raise NotFound("Person was not found.", field="members")
    disciplines = [
        board_rules.check_disciplines([m.discipline], "members.discipline") for m in members
    ]
    return sorted(
        ((m.person_id, next(iter(d))) for m, d in zip(members, disciplines, strict=True)),
        key=lambda x: str(x[0]),
    )


def _apply_rule(board: Board, rule: board_rules.BoardRule) -> None:
    board.quorum = rule.quorum
    board.approvals_needed = rule.approvals_needed
    board.required_disciplines = sorted(rule.required_disciplines)
    board.veto_disciplines = sorted(rule.veto_disciplines)


async def create_board(uow: UnitOfWork, c: cmd.CreateBoard) -> Board:
    """An org board (RMO) or a BU board (its admins), with members and a rule."""
    if c.bu_id is not None:
        await org_facts.business_unit(uow.session, c.bu_id)
    rule = uow.authorize_visible(Action.CREATE, Resource.BOARD, c.bu_id, "Business unit")
    key, domain = _key(c.key), domain_of(c.bu_id)
    if await board_repo.board_key_taken(uow.session, domain, key):
        raise AlreadyExists(f"Board '{key}' exists.", code=Code.KEY_TAKEN, field="key")
    decision_rule = board_rules.check_rule(
        quorum=c.quorum,
        approvals_needed=c.approvals_needed,
        required_disciplines=c.required_disciplines,
        veto_disciplines=c.veto_disciplines,
    )
    members = await _members(uow, c.members)
    now = uow.clock.now()
    board = Board(
        key=key, bu_id=c.bu_id, domain=domain, name=_name(c.name), created_at=now, updated_at=now
    )
    _apply_rule(board, decision_rule)
    await uow.created(
        board,
        action="board.create",
        bu_id=board.bu_id,
        rule=rule,
        extra={"members": [[str(p), d] for p, d in members]},
    )
    await board_repo.replace_members(uow.session, board.id, members)
    return board


async def update_board(uow: UnitOfWork, c: cmd.UpdateBoard) -> Board:
    """Rename, change the rule or replace the members; open sessions keep the rule they copied."""
    board = await board_repo.get_board(uow.session, c.board_id)
    if board is None:
        raise NotFound("Board was not found.")
    rule = uow.authorize_visible(Action.UPDATE, Resource.BOARD, board.bu_id, "Board")
    expect_version(board, c.version, "The board")
    before = {
        **snapshot(board),
        "members": [list(m) for m in await board_repo.member_rows(uow.session, board.id)],
    }
    if c.name is not None:
        board.name = _name(c.name)
    _apply_rule(
        board,
        board_rules.check_rule(
            quorum=c.quorum if c.quorum is not None else board.quorum,
            approvals_needed=c.approvals_needed
            if c.approvals_needed is not None
            else board.approvals_needed,
            required_disciplines=c.required_disciplines
            if c.required_disciplines is not None
            else board.required_disciplines,
            veto_disciplines=c.veto_disciplines
            if c.veto_disciplines is not None
            else board.veto_disciplines,
        ),
    )
    if c.members is not None:
        await board_repo.replace_members(uow.session, board.id, await _members(uow, c.members))
    board.updated_at = uow.clock.now()
    await uow.session.flush()
    uow.record_change(
        board,
        action="board.update",
        bu_id=board.bu_id,
        rule=rule,
        before=before,
        after={
            **snapshot(board),
            "members": [list(m) for m in await board_repo.member_rows(uow.session, board.id)],
        },
    )
    return board
