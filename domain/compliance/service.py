"""Use cases of the audit trail: verify the chain, export it, list it. Reads only; no commit."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import repository as repo
from domain.compliance import rules
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.models import AuditRecord
from domain.compliance.repository import AuditFilter
from domain.compliance.rules import ChainHead, ChainReport
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, Forbidden
from domain.kernel.pagination import check_first
from domain.kernel.uow import UnitOfWork

__all__ = [
    "AuditFilter",
    "AuditPage",
    "audit_records",
    "export_audit_trail",
    "verify_audit_trail",
]


@dataclass(frozen=True, slots=True)
class AuditPage:
    """Records in seq order; continue after the last one's seq while `has_next`."""

    records: list[AuditRecord]
    has_next: bool


async def verify_audit_trail(uow: UnitOfWork, *, anchor: ChainHead | None = None) -> ChainReport:
    """Recompute the whole chain: numbering, links and hashes (org-wide readers only)."""
    uow.authorize(Action.READ, Resource.AUDIT_TRAIL, None)
    verifier = rules.ChainVerifier(anchor=anchor)
    async for record in repo.stream_records(uow.session):
        if not verifier.feed(record):
            break
    return verifier.report()


def export_audit_trail(uow: UnitOfWork, where: AuditFilter = AuditFilter()) -> AsyncIterator[bytes]:
    """The matching records as JSON Lines, every field with seq, prev_hash and hash.

    Deliberately not a coroutine: permission is checked when called, before a transport has
    started streaming a response. An actor exporting only in some BUs gets those BUs' records.
    """
    _check_filter(where)
    bu_scope = _bu_scope(uow, Action.EXPORT)
    return _export_lines(uow.session, where, bu_scope)


async def _export_lines(
    session: AsyncSession, where: AuditFilter, bu_scope: frozenset[uuid.UUID] | None
) -> AsyncIterator[bytes]:
    async for record in repo.stream_records(session, where, bu_scope=bu_scope):
        yield rules.export_line(record)


async def audit_records(
    uow: UnitOfWork,
    where: AuditFilter = AuditFilter(),
    first: int | None = None,
    after_seq: int | None = None,
) -> AuditPage:
    """A page of the audit trail, limited to the BUs the actor may read."""
    limit = check_first(first)
    if after_seq is not None and after_seq < 0:
        raise DomainError("after must be a record's seq.", code=Code.INVALID_CURSOR, field="after")
    _check_filter(where)
    bu_scope = _bu_scope(uow, Action.READ)
    rows = await repo.list_records(
        uow.session, where, bu_scope=bu_scope, after_seq=after_seq or 0, limit=limit + 1
    )
    return AuditPage(records=rows[:limit], has_next=len(rows) > limit)


def _bu_scope(uow: UnitOfWork, action: Action) -> frozenset[uuid.UUID] | None:
    """None when the actor may do this everywhere, else the BUs it may do it in."""
    scope = uow.scope(action, Resource.AUDIT_TRAIL)
    if scope.everywhere:
        return None
    if scope.empty:
        raise Forbidden(f"You may not {action} audit trail here.")
    return scope.bu_ids


def _check_filter(where: AuditFilter) -> None:
    for name in ("occurred_from", "occurred_before"):
        moment = getattr(where, name)
        if moment is not None and moment.utcoffset() is None:
            raise DomainError(
                "Give times with a time zone.", code=Code.INVALID_TIME_RANGE, field=name
            )
    if (
        where.occurred_from is not None
        and where.occurred_before is not None
        and where.occurred_from >= where.occurred_before
    ):
        raise DomainError(
            "The time range ends before it starts.",
            code=Code.INVALID_TIME_RANGE,
            field="occurred_before",
        )
