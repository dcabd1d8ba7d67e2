"""Where the pure rules meet the data: completeness and sign-off states of releases, in batches.

Used by the use cases (one release) and by the read queries behind DataLoaders (a page of
releases): a fixed number of statements whatever the number of releases.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import documentation as docs
from domain.governance import repository as repo
from domain.governance import signoff_rules as so
from domain.kernel.access import ORG_SCOPE
from domain.kernel.repository import Grouped


class ReleaseLike(Protocol):
    """A release as an ORM object or a Core row."""

    id: uuid.UUID
    bu_id: uuid.UUID
    release_type: str
    regions: list[str]
    change_types: list[str]
    documentation: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Completeness:
    required: list[docs.Requirement]
    missing: list[docs.Requirement]
    checked: list[dict[str, Any]]

    @property
    def complete(self) -> bool:
        return not self.missing


def _template(row: Any) -> docs.Template:
    return docs.template_from(
        id=str(row.id),
        key=row.key,
        version=row.version,
        org_level=row.bu_id is None,
        release_types=row.release_types,
        tiers=row.tiers,
        sections=row.sections,
    )


def shipped(rows: Sequence[Any]) -> list[so.ShippedService]:
    return [
        so.ShippedService(
            key=r.key,
            tier=r.tier,
            data_classification=r.data_classification,
            regions=tuple(r.regions),
        )
        for r in rows
    ]


async def completeness(
    session: AsyncSession, releases: Sequence[ReleaseLike], services: Grouped | None = None
) -> dict[uuid.UUID, Completeness]:
    """Each release against the latest active org templates and its own BU's; `services`:
    what the releases ship (repo.shipped_services), when the caller has read it already."""
    if not releases:
        return {}
    templates = await repo.active_templates(session, sorted({r.bu_id for r in releases}, key=str))
    if services is None:
        services = await repo.shipped_services(session, [r.id for r in releases])
    by_domain: dict[str, list[docs.Template]] = {}
    for row in templates:
        by_domain.setdefault(row.domain, []).append(_template(row))
    out = {}
    for r in releases:
        applicable = by_domain.get(ORG_SCOPE, []) + by_domain.get(str(r.bu_id), [])
        tiers = {s.tier for s in services.get(r.id, [])}
        required = docs.required(applicable, r.release_type, tiers)
        out[r.id] = Completeness(
            required=required,
            missing=docs.missing(required, r.documentation or {}),
            checked=docs.checked_against(applicable, r.release_type, tiers),
        )
    return out


def _rule(row: Any) -> so.Rule:
    return so.Rule(
        key=row.key,
        requirement=row.requirement,
        discipline=row.discipline,
        condition=row.condition or {},
        validity_days=row.validity_days,
    )


def _given(row: Any) -> so.Given:
    return so.Given(
        requirement=row.requirement,
        discipline=row.discipline,
        signer_id=row.signer_id,
        signed_at=row.signed_at,
        expires_at=row.expires_at,
        id=row.id,
    )


async def required_sign_offs(
    session: AsyncSession, releases: Sequence[ReleaseLike], services: Grouped | None = None
) -> dict[uuid.UUID, list[so.Required]]:
    if not releases:
        return {}
    rules = [_rule(r) for r in await repo.active_rules(session)]
    if services is None:
        services = await repo.shipped_services(session, [r.id for r in releases])
    return {
        r.id: so.required_sign_offs(
            rules,
            shipped(services.get(r.id, [])),
            regions=list(r.regions or []),
            change_types=r.change_types or [],
        )
        for r in releases
    }


async def sign_off_states(
    session: AsyncSession,
    releases: Sequence[ReleaseLike],
    now: datetime,
    services: Grouped | None = None,
) -> dict[uuid.UUID, list[so.State]]:
    """Every required sign-off of each release: VALID, MISSING or EXPIRED at `now`."""
    required = await required_sign_offs(session, releases, services)
    given = await repo.sign_offs_by_release(session, [r.id for r in releases]) if releases else {}
    return {
        r.id: so.states(required[r.id], [_given(g) for g in given.get(r.id, [])], now)
        for r in releases
    }
