"""What a vendor release reaches and why it is flagged; the vendor attestation gate.

Impact: the services linked to the vendor are reached *directly*; their consumers in
`service_dependencies`, transitively, *indirectly* (tagged with the provider they were reached
through). Findings concern the direct services only, since that is where the vendor's product
runs: each required attestation kind short of cover (see vendor_rules), and each approved
freeze occurrence covering the service in production during the release (FREEZE_CONFLICT).
The vendor attestation gate itself is pure (vendor_gate_rules); `vendor_attestation_gate`
reads one service's facts and applies it.

These functions read without authorization, like every gate: the promotion decision and the
read use cases (which filter what the reader may see) call them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import freeze_repository as frepo
from domain.calendar import recurrence
from domain.calendar import rules as calendar_rules
from domain.calendar.freezes import ScopedFreeze, freezes_in_range
from domain.guardrails.effective import effective_for_service, effective_for_services
from domain.kernel.errors import NotFound
from domain.kernel.gates import GateOutcome
from domain.organization import vendor_repository as repo
from domain.organization.facts import vendors_of_services
from domain.organization.vendor_gate_rules import REQUIRED_KEY, attestation_gate
from domain.organization.vendor_rules import (
    AttestationFacts,
    Finding,
    FindingCode,
    attestation_findings,
)
from domain.organization.vocabulary import VendorReleaseStatus

MAX_DEPTH = 25
"""Levels of consumers followed from a vendor's services (a deeper graph is cut there)."""
PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class Impact:
    service_id: uuid.UUID
    indirect: bool
    via: uuid.UUID | None = None
    """For an indirect impact: the provider it was reached through."""


async def impacts_of_vendors(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Impact]]:
    """Per vendor, the services its releases reach: direct ones first (by key), then the
    indirect ones in the order they were reached. One statement per level of the graph."""
    links = await repo.services_of_vendors(session, vendor_ids)
    reach: dict[uuid.UUID, dict[uuid.UUID, Impact]] = {v: {} for v in vendor_ids}
    frontier: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for vendor_id, rows in links.items():
        for row in rows:
            reach[vendor_id][row.id] = Impact(row.id, indirect=False)
            frontier[row.id].add(vendor_id)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        edges = await repo.consumers_of(session, sorted(frontier, key=str))
        following: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for consumer, provider in sorted(edges, key=lambda e: (str(e[1]), str(e[0]))):
            for vendor_id in frontier[provider]:
                if consumer not in reach[vendor_id]:
                    reach[vendor_id][consumer] = Impact(consumer, indirect=True, via=provider)
                    following[consumer].add(vendor_id)
        frontier = following
    return {v: list(found.values()) for v, found in reach.items()}


async def _required(
    session: AsyncSession, services: Mapping[uuid.UUID, Any], now: datetime
) -> dict[uuid.UUID, list[str]]:
    """The attestation kinds each service requires. Effective guardrails depend on a service's
    BU and tier only (core, BU set, tier profile), so one service per pair is asked, in one
    batch."""
    pairs: dict[tuple[Any, str], list[uuid.UUID]] = defaultdict(list)
    for sid, row in sorted(services.items(), key=lambda item: str(item[0])):
        pairs[(row.bu_id, row.tier)].append(sid)
    effective = await effective_for_services(session, [s[0] for s in pairs.values()], at=now)
    out = {}
    for sids in pairs.values():
        required = sorted(effective[sids[0]][REQUIRED_KEY] or [])
        out.update({sid: required for sid in sids})
    return out


def _facts(grouped: Mapping[Any, Sequence[Any]]) -> dict[uuid.UUID, list[AttestationFacts]]:
    return {vid: [repo.facts_of(r) for r in rows] for vid, rows in grouped.items()}


async def vendor_attestation_gate(
    session: AsyncSession, service_id: uuid.UUID, now: datetime
) -> GateOutcome:
    """Gate `vendor_attestations` of one service: the pure rule of
    domain.organization.vendor_gate_rules over what domain.organization.facts reads."""
    effective = await effective_for_service(session, service_id, at=now)
    vendors = (await vendors_of_services(session, [service_id]))[service_id]
    return attestation_gate(service_id, effective[REQUIRED_KEY] or [], vendors, now)


def _freeze_findings(
    release: Any, services: Mapping[uuid.UUID, Any], frozen: Sequence[ScopedFreeze]
) -> list[Finding]:
    """Approved freeze occurrences covering a direct service in production during the release."""
    found: list[Finding] = []
    for sid, service in services.items():
        for f in frozen:
            if not calendar_rules.freeze_applies(
                f.facts,
                bu_id=service.bu_id,
                service_ids=[sid],
                environments=[PRODUCTION],
                tiers=[service.tier],
            ):
                continue
            found += [
                Finding(
                    service_id=sid,
                    code=FindingCode.FREEZE_CONFLICT,
                    kinds=(),
                    sentence=(
                        f"The release falls into the freeze '{f.row.title}' "
                        f"({o.starts_at.isoformat()} to {o.ends_at.isoformat()}), "
                        f"which covers {service.key}."
                    ),
                    freeze_id=f.row.id,
                )
                for o in recurrence.occurrences(f.timing, release.starts_at, release.ends_at)
            ]
    return found


async def findings_of_releases(
    session: AsyncSession, releases: Sequence[Any], now: datetime
) -> dict[uuid.UUID, list[Finding]]:
    """Findings per vendor release row (cancelled releases have none)."""
    live = [r for r in releases if r.status == VendorReleaseStatus.SCHEDULED]
    out: dict[uuid.UUID, list[Finding]] = {r.id: [] for r in releases}
    if not live:
        return out
    vendor_ids = sorted({r.vendor_id for r in live}, key=str)
    links = await repo.services_of_vendors(session, vendor_ids)
    attestations = _facts(await repo.attestations_of_vendors(session, vendor_ids))
    services = {row.id: row for rows in links.values() for row in rows}
    required = await _required(session, services, now)
    names = {r.vendor_id: r.vendor_name for r in live}
    # One fetch of the binding freezes over the span of all the releases; each release then
    # keeps the occurrences overlapping its own interval.
    frozen = (
        await freezes_in_range(
            session,
            frepo.FREEZE_BINDING,
            min(r.starts_at for r in live),
            max(r.ends_at for r in live),
        )
        if services
        else []
    )
    for release in live:
        direct = {row.id: row for row in links.get(release.vendor_id, [])}
        for sid, service in direct.items():
            out[release.id] += attestation_findings(
                sid,
                service.key,
                names[release.vendor_id],
                attestations.get(release.vendor_id, []),
                required[sid],
                now=now,
                until=release.ends_at,
            )
        out[release.id] += _freeze_findings(release, direct, frozen)
    return out


async def vendor_release_findings(
    session: AsyncSession, vendor_release_id: uuid.UUID, now: datetime
) -> list[Finding]:
    """Why a vendor release is flagged, per directly impacted service; empty when it is not."""
    rows = await repo.releases_by_ids(session, [vendor_release_id])
    release = rows.get(vendor_release_id)
    if release is None:
        raise NotFound("Vendor release was not found.")
    return (await findings_of_releases(session, [release], now))[vendor_release_id]
