"""The facts a risk score is made of, read for many releases in a fixed number of statements.

- services shipped, with tier, data classification and regions;
- transitive consumers through service_dependencies (consumer → provider), by a recursive CTE
  that runs on SQLite and PostgreSQL alike (UNION, so cycles end);
- change types (schema migration and infrastructure are read from them);
- novelty, judged against deployed releases (status `deployed`; a release's `updated_at` is
  when it got there, as a deployed release never changes again):
  first release of a service (no other deployed release contained it), new dependency (an
  edge from one of its services created after that service's last deployment), first change
  by an author to a service (no earlier-created release with that author and service), new
  infrastructure (an infrastructure change to a service whose deployed releases never had one).
- size is not in the database: it is given with the assessment (lines and files changed).

Releases, what they ship and who authored them are read over governance's published rows
(domain.governance.fragments), services, people and dependencies over the organization's
(domain.organization.fragments), so each batch stays one statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import fragments as governance
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import group_by, ids_param
from domain.kernel.vocabulary import ChangeType
from domain.organization import fragments as org
from domain.risk.scoring import CLASSIFICATION_RANK, TIER_RANK, RiskFacts, Size

RELEASE = governance.release_rows()
SHIPPED = governance.shipped_rows()
AUTHOR = governance.author_rows()
SERVICE = org.service_rows()
DEP = org.dependency_rows()
PERSON = org.person_rows()
INFRA = ChangeType.INFRASTRUCTURE.value

# The statements, built once (a cold decision snapshot reads them; building costs more than
# running them); the ids are bound at each reading.
_RELEASES = prepared(select(RELEASE).where(RELEASE.c.id.in_(ids_param())))
_SHIPPED = prepared(
    select(SERVICE, SHIPPED.c.release_id)
    .join(SHIPPED, SHIPPED.c.service_id == SERVICE.c.id)
    .where(SHIPPED.c.release_id.in_(ids_param()))
    .order_by(SERVICE.c.key)
)
_CONSUMERS = prepared(org.consumers_at_any_distance(ids_param()))
_EDGES = prepared(select(DEP).where(DEP.c.consumer_id.in_(ids_param())))
_AUTHORS = prepared(
    select(AUTHOR.c.release_id, PERSON.c.id, PERSON.c.username)
    .join(PERSON, PERSON.c.id == AUTHOR.c.person_id)
    .where(AUTHOR.c.release_id.in_(ids_param()))
    .order_by(PERSON.c.username)
)
_DEPLOYED = prepared(
    select(SHIPPED.c.service_id, RELEASE.c.id, RELEASE.c.updated_at, RELEASE.c.change_types)
    .join(RELEASE, RELEASE.c.id == SHIPPED.c.release_id)
    .where(
        SHIPPED.c.service_id.in_(ids_param()),
        RELEASE.c.status == ReleaseStatus.DEPLOYED.value,
        RELEASE.c.updated_at <= bindparam("at"),
    )
)
_AUTHORED = (
    select(AUTHOR.c.person_id, SHIPPED.c.service_id, RELEASE.c.id, RELEASE.c.created_at)
    .join(SHIPPED, SHIPPED.c.release_id == AUTHOR.c.release_id)
    .join(RELEASE, RELEASE.c.id == AUTHOR.c.release_id)
    .where(
        AUTHOR.c.person_id.in_(ids_param("people")),
        SHIPPED.c.service_id.in_(ids_param("services")),
    )
)


def _highest(values: Sequence[str], ranks: Mapping[str, int]) -> str | None:
    known = [v for v in values if v in ranks]
    return max(known, key=lambda v: ranks[v]) if known else None


async def _consumers(session: AsyncSession, service_ids: Sequence[uuid.UUID]) -> list[Any]:
    """(root, consumer id, key, tier): every service depending on a root, at any distance."""
    if not service_ids:
        return []
    return list((await session.execute(_CONSUMERS, {"ids": list(service_ids)})).all())


async def _deployed(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], at: datetime
) -> list[Any]:
    return list((await session.execute(_DEPLOYED, {"ids": list(service_ids), "at": at})).all())


async def _authored(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], service_ids: Sequence[uuid.UUID]
) -> list[Any]:
    """(person, service, release, created_at) of every release pairing those people and services."""
    if not person_ids:
        return []
    wanted = {"people": list(person_ids), "services": list(service_ids)}
    return list((await session.execute(_AUTHORED, wanted)).all())


@dataclass(frozen=True, slots=True)
class _Read:
    """Everything the factors of some releases are made of, read in seven statements."""

    releases: dict[uuid.UUID, Row[Any]]
    shipped: dict[uuid.UUID, list[Row[Any]]]
    consumers: dict[uuid.UUID, list[Row[Any]]]
    deployed: list[Row[Any]]
    edges: list[Row[Any]]
    key_of: dict[uuid.UUID, str]
    authors: dict[uuid.UUID, list[Row[Any]]]
    authored: list[Row[Any]]


async def gather(
    session: AsyncSession,
    release_ids: Sequence[uuid.UUID],
    at: datetime,
    sizes: Mapping[uuid.UUID, Size | None] | None = None,
) -> dict[uuid.UUID, RiskFacts]:
    """The facts of each release (absent ids are left out), in seven statements at most."""
    read = await _read(session, release_ids, at)
    sizes = sizes or {}
    return {rid: _facts_of(read, release, sizes.get(rid)) for rid, release in read.releases.items()}


async def _read(session: AsyncSession, release_ids: Sequence[uuid.UUID], at: datetime) -> _Read:
    releases = {r.id: r for r in await session.execute(_RELEASES, {"ids": list(release_ids)})}
    if not releases:
        return _Read({}, {}, {}, [], [], {}, {}, [])
    shipped_rows = (await session.execute(_SHIPPED, {"ids": list(releases)})).all()
    service_ids = sorted({r.id for r in shipped_rows}, key=str)
    edges = list((await session.execute(_EDGES, {"ids": service_ids})).all()) if service_ids else []
    key_of = {r.id: r.key for r in shipped_rows}
    key_of |= await _keys(session, {e.provider_id for e in edges} - set(key_of))
    authors = group_by(await _authors(session, list(releases)), "release_id")
    person_ids = sorted({a.id for rows in authors.values() for a in rows}, key=str)
    return _Read(
        releases=releases,
        shipped=group_by(shipped_rows, "release_id"),
        consumers=group_by(await _consumers(session, service_ids), "root"),
        deployed=await _deployed(session, service_ids, at) if service_ids else [],
        edges=edges,
        key_of=key_of,
        authors=authors,
        authored=await _authored(session, person_ids, service_ids) if service_ids else [],
    )


async def _keys(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    stmt = select(SERVICE.c.id, SERVICE.c.key).where(SERVICE.c.id.in_(ids))
    return {row.id: row.key for row in (await session.execute(stmt)).all()}


async def _authors(session: AsyncSession, release_ids: list[uuid.UUID]) -> list[Any]:
    return list((await session.execute(_AUTHORS, {"ids": release_ids})).all())


def _facts_of(read: _Read, release: Row[Any], size: Size | None) -> RiskFacts:
    """One release's factors from what was read."""
    services = read.shipped.get(release.id, [])
    mine = {s.id for s in services}
    last, infra_before = _history(read, release.id)
    reached = {
        c.service_id: c
        for s in services
        for c in read.consumers.get(s.id, [])
        if c.service_id not in mine
    }
    earlier = {
        (a.person_id, a.service_id)
        for a in read.authored
        if a.id != release.id and a.created_at < release.created_at
    }
    change_types = set(release.change_types or [])
    return RiskFacts(
        services=tuple(s.key for s in services),
        max_tier=_highest([s.tier for s in services], TIER_RANK),
        consumers=tuple(sorted(c.key for c in reached.values())),
        max_consumer_tier=_highest([c.tier for c in reached.values()], TIER_RANK),
        max_classification=_highest([s.data_classification for s in services], CLASSIFICATION_RANK),
        regions=tuple(
            sorted(set(release.regions or []) or {g for s in services for g in s.regions})
        ),
        change_types=tuple(sorted(change_types)),
        size=size,
        first_release=tuple(s.key for s in services if s.id not in last),
        new_dependencies=tuple(
            sorted(
                f"{read.key_of[e.consumer_id]} → {read.key_of.get(e.provider_id, '?')}"
                for e in read.edges
                if e.consumer_id in mine
                and e.consumer_id in last
                and e.created_at > last[e.consumer_id]
            )
        ),
        first_author_changes=tuple(
            f"{a.username} on {s.key}"
            for a in read.authors.get(release.id, [])
            for s in services
            if (a.id, s.id) not in earlier
        ),
        new_infrastructure=tuple(
            s.key for s in services if INFRA in change_types and s.id not in infra_before
        ),
    )


def _history(
    read: _Read, release_id: uuid.UUID
) -> tuple[dict[uuid.UUID, datetime], set[uuid.UUID]]:
    """Per service, when another release last went out with it, and which had infrastructure."""
    last: dict[uuid.UUID, datetime] = {}
    infra_before = set()
    for d in read.deployed:
        if d.id == release_id:
            continue
        last[d.service_id] = max(last.get(d.service_id, d.updated_at), d.updated_at)
        if INFRA in (d.change_types or []):
            infra_before.add(d.service_id)
    return last, infra_before
