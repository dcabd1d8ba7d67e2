"""Why a vendor release is flagged, and the vendor attestation gate: a compliance control over
what the vendor release reaches (domain.organization.vendor_impacts).

Findings concern the direct services only, since that is where the vendor's product
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

from domain.calendar import facts as calendar_facts
from domain.calendar import recurrence
from domain.calendar import rules as calendar_rules
from domain.calendar.facts import ScopedFreeze
from domain.guardrails.effective import effective_for_service, effective_for_services
from domain.kernel.access import Resource
from domain.kernel.errors import NotFound
from domain.kernel.gates import GateOutcome
from domain.kernel.reader import Reader
from domain.organization import facts as org_facts
from domain.organization import vendor_queries, vendor_rules
from domain.organization.facts import vendors_of_services
from domain.organization.vendor_gate_rules import REQUIRED_KEY, attestation_gate
from domain.organization.vendor_rules import (
    Finding,
    FindingCode,
    attestation_findings,
)
from domain.organization.vocabulary import VendorReleaseStatus

PRODUCTION = "production"


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
    links = await org_facts.services_of_vendors(session, vendor_ids)
    attestations = await org_facts.attestations_of_vendors(session, vendor_ids)
    services = {row.id: row for rows in links.values() for row in rows}
    required = await _required(session, services, now)
    names = {r.vendor_id: r.vendor_name for r in live}
    # One fetch of the binding freezes over the span of all the releases; each release then
    # keeps the occurrences overlapping its own interval.
    frozen = (
        await calendar_facts.binding_freezes_in_range(
            session, min(r.starts_at for r in live), max(r.ends_at for r in live)
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
    release = await org_facts.vendor_release(session, vendor_release_id)
    if release is None:
        raise NotFound("Vendor release was not found.")
    return (await findings_of_releases(session, [release], now))[vendor_release_id]


# -- what a reader may see ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VisibleFinding:
    """A finding; `service_id` is None when the reader may not read that service."""

    service_id: uuid.UUID | None
    code: str
    kinds: tuple[str, ...]
    sentence: str
    freeze_id: uuid.UUID | None


async def findings(
    r: Reader, release_ids: Sequence[uuid.UUID], now: datetime
) -> dict[Any, list[VisibleFinding]]:
    """Per readable release, why it is flagged; other BUs' services are not named."""
    found = await vendor_queries.releases_by_id(r, release_ids)
    if not found:
        return {}
    raw = await findings_of_releases(r.session, list(found.values()), now)
    ids = sorted({f.service_id for group in raw.values() for f in group}, key=str)
    services = await org_facts.services(r.session, ids)
    scope = r.scope(Resource.SERVICE)
    out: dict[Any, list[VisibleFinding]] = {}
    for rid, group in raw.items():
        out[rid] = []
        for f in group:
            service = services.get(f.service_id)
            if service is not None and scope.allows(service.bu_id):
                out[rid].append(
                    VisibleFinding(f.service_id, f.code, f.kinds, f.sentence, f.freeze_id)
                )
            else:
                hidden = vendor_rules.redacted(f, found[rid].vendor_name)
                out[rid].append(
                    VisibleFinding(None, hidden.code, hidden.kinds, hidden.sentence, None)
                )
    return out
