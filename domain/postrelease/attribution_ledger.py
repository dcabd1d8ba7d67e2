"""The change ledger attribution reads: every kind of production change of services, from the
context that records it (deployments, flag changes, vendor releases) and from operators' change
reports, as `Change` entries (a fixed number of statements, whatever the period holds)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.flags import attribution_facts as flag_facts
from domain.organization import attribution_facts as vendor_facts
from domain.organization import facts as org_facts
from domain.pipelines import production_deployments as production
from domain.postrelease import attribution_repository as repo
from domain.postrelease.attribution_rules import Change
from domain.postrelease.attribution_vocabulary import ChangeKind


def _what(d: production.FinishedDeployment) -> str:
    if d.kind == production.PLANNED:
        return f"version {d.artifact}"
    return f"reported {d.artifact[:200]}"


async def changes(
    session: AsyncSession,
    *,
    service_ids: Sequence[uuid.UUID] | None = None,
    ids: Sequence[uuid.UUID] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    kinds: frozenset[ChangeKind] = frozenset(ChangeKind),
) -> list[Change]:
    """The changes of these services (or with these ids) in [start, end], earliest first."""
    where: dict[str, Any] = {"service_ids": service_ids, "ids": ids, "start": start, "end": end}
    out: list[Change] = []
    if ChangeKind.DEPLOYMENT in kinds:
        out += [
            Change(ChangeKind.DEPLOYMENT, d.id, d.bu_id, d.service_id, d.finished_at, _what(d))
            for d in await production.succeeded(session, **where)
        ]
    if ChangeKind.FLAG_CHANGE in kinds:
        flips = await flag_facts.production_changes(session, **where)
        bus = await org_facts.services(session, sorted({f.service_id for f in flips}, key=str))
        out += [
            Change(
                ChangeKind.FLAG_CHANGE, f.id, bus[f.service_id].bu_id, f.service_id, f.at, f.summary
            )
            for f in flips
            if f.service_id in bus
        ]
    if ChangeKind.VENDOR_RELEASE in kinds:
        out += [
            Change(ChangeKind.VENDOR_RELEASE, v.id, v.bu_id, v.service_id, v.at, v.summary)
            for v in await vendor_facts.vendor_releases_touching(session, **where)
        ]
    out += [
        Change(ChangeKind(r.kind), r.id, r.bu_id, r.service_id, r.occurred_at, r.summary[:200])
        for r in await repo.change_reports(session, **where)
        if ChangeKind(r.kind) in kinds
    ]
    return sorted(out, key=lambda c: (c.at, str(c.id)))
