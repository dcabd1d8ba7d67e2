"""Evidence packs: for one release, every approval, sign-off, vote, review, bypass, production
deployment, unauthorized change and gate outcome, each with the audit records behind it, mapped
to control identifiers.

An auditor checks a pack against the audit trail: every item carries the sequence number and
hash of its record, and the pack names the chain head it was cut from. The export itself is
recorded in the trail (who took which pack, with its digest).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.freezes import blocking_freezes
from domain.compliance import evidence_rules as rules
from domain.compliance.dr import dr_gate
from domain.compliance.repository import head, sealed
from domain.compliance.rules import format_instant
from domain.compliance.vendor_findings import vendor_attestation_gate
from domain.governance import assessment
from domain.governance import repository as governance
from domain.governance.models import Release
from domain.guardrails.onboarding import onboarding_gate
from domain.kernel import gates
from domain.kernel.access import Action, Resource
from domain.kernel.errors import NotFound
from domain.kernel.gates import GateOutcome
from domain.kernel.uow import UnitOfWork
from domain.pipelines.vocabulary import UnauthorizedChangeStatus
from domain.read import evidence_pack_repository as repo
from domain.risk.peer_reviews import peer_review_gate

PackIds = Callable[[dict[str, Any]], dict[str, Any]]
"""How the caller names the ids a pack lists (the API gives its global ids): applied to the
document before it is sealed, so the digest covers what the caller reads."""

GateCheck = Callable[[AsyncSession, Release, Sequence[Any], datetime], Awaitable[list[GateOutcome]]]


async def _documentation(
    session: AsyncSession, release: Release, services: Sequence[Any], now: datetime
) -> list[GateOutcome]:
    done = (await assessment.completeness(session, [release]))[release.id]
    if done.complete:
        return [gates.passed("documentation", "Every required documentation section is filled.")]
    names = ", ".join(f"{m.section}.{m.field}" for m in done.missing)
    return [gates.failed("documentation", f"Documentation is missing: {names}.", missing=names)]


async def _sign_offs(
    session: AsyncSession, release: Release, services: Sequence[Any], now: datetime
) -> list[GateOutcome]:
    states = (await assessment.sign_off_states(session, [release], now))[release.id]
    open_ = [s for s in states if s.status != "valid"]
    given = [str(s.sign_off.id) for s in states if s.sign_off is not None]
    if not open_:
        return [
            gates.passed(
                "sign_offs", f"All {len(states)} required sign-offs are valid.", signOffs=given
            )
        ]
    names = ", ".join(f"{s.requirement} ({s.discipline}, {s.status})" for s in open_)
    return [gates.failed("sign_offs", f"Sign-offs outstanding: {names}.", signOffs=given)]


async def _freeze(
    session: AsyncSession, release: Release, services: Sequence[Any], now: datetime
) -> list[GateOutcome]:
    if release.planned_start is None or release.planned_end is None:
        return [gates.pending("freeze", "The release has no planned window to check yet.")]
    hits = await blocking_freezes(
        session,
        bu_id=release.bu_id,
        service_ids=[s.id for s in services],
        environments=release.environments or [],
        tiers=sorted({s.tier for s in services}),
        starts_at=release.planned_start,
        ends_at=release.planned_end,
        release_id=release.id,
        now=now,
    )
    if not hits:
        return [gates.passed("freeze", "No freeze binds the planned window.")]
    titles = ", ".join(sorted({h.title for h in hits}))
    return [
        gates.failed(
            "freeze",
            f"The planned window falls into freezes: {titles}.",
            freezes=sorted({str(h.freeze_id) for h in hits}),
        )
    ]


async def _peer_review(
    session: AsyncSession, release: Release, services: Sequence[Any], now: datetime
) -> list[GateOutcome]:
    return [await peer_review_gate(session, release.id, "production", now)]


async def _per_service(
    session: AsyncSession, release: Release, services: Sequence[Any], now: datetime
) -> list[GateOutcome]:
    """DR, onboarding and vendor attestations of each shipped service, named by service."""
    out = []
    for s in services:
        for outcome in (
            await dr_gate(session, s.id, now),
            await onboarding_gate(session, s.id),
            await vendor_attestation_gate(session, s.id, now),
        ):
            out.append(
                GateOutcome(
                    outcome.gate,
                    outcome.status,
                    f"{s.key}: {outcome.reason}",
                    {**outcome.evidence, "service": s.key},
                    outcome.waived_by,
                )
            )
    return out


async def _unauthorized_changes(
    session: AsyncSession, release: Release, services: Sequence[Any], now: datetime
) -> list[GateOutcome]:
    """Production reached only through allowed promotions: every unauthorized change of the
    release is counted, and one still awaiting review fails the gate."""
    counts = await repo.unauthorized_counts(session, release.id)
    open_ = counts.get(str(UnauthorizedChangeStatus.OPEN), 0)
    reviewed = counts.get(str(UnauthorizedChangeStatus.REVIEWED), 0)
    evidence = {"open": open_, "reviewed": reviewed}
    if open_:
        reason = f"{open_} unauthorized production change(s) await review."
        return [gates.failed("unauthorized_changes", reason, **evidence)]
    if reviewed:
        reason = f"{reviewed} unauthorized production change(s), all reviewed."
        return [gates.passed("unauthorized_changes", reason, **evidence)]
    reason = "Every production deployment carried out an allowed promotion."
    return [gates.passed("unauthorized_changes", reason, **evidence)]


GATE_CHECKS: list[GateCheck] = [
    _documentation,
    _sign_offs,
    _freeze,
    _peer_review,
    _per_service,
    _unauthorized_changes,
]
"""The checks an evidence pack reports as they stand when it is cut."""


def _gate(outcome: GateOutcome) -> dict[str, Any]:
    return {
        "gate": outcome.gate,
        "status": str(outcome.status),
        "reason": outcome.reason,
        "evidence": dict(outcome.evidence),
        "waivedBy": str(outcome.waived_by) if outcome.waived_by else None,
        "controls": list(rules.GATE_CONTROLS.get(outcome.gate, ())),
    }


def _item(record: dict[str, Any]) -> dict[str, Any]:
    return rules.item_of({**record, "occurred_at": format_instant(record["occurred_at"])})


async def build_pack(
    session: AsyncSession, release: Release, now: datetime, generated_by: str, ids: PackIds
) -> dict[str, Any]:
    """The pack's document (no authorization, no write): items, gates, controls, chain head,
    its ids as `ids` names them."""
    await sealed(session)  # every record committed so far is in the pack
    services = (await governance.shipped_services(session, [release.id])).get(release.id, [])
    authors = (await governance.authors_by_release(session, [release.id])).get(release.id, [])
    records = await repo.records_about(session, await repo.related_entities(session, release.id))
    items = [_item(r) for r in records]
    outcomes = [g for check in GATE_CHECKS for g in await check(session, release, services, now)]
    gate_rows = [_gate(g) for g in outcomes]
    chain = await head(session)
    document: dict[str, Any] = {
        "format": rules.FORMAT,
        "generatedAt": format_instant(now),
        "generatedBy": generated_by,
        "release": {
            "id": str(release.id),
            "title": release.title,
            "businessUnitId": str(release.bu_id),
            "type": release.release_type,
            "status": release.status,
            "ownerId": str(release.owner_id),
            "changeTypes": list(release.change_types or []),
            "environments": list(release.environments or []),
            "services": [
                {"id": str(s.id), "key": s.key, "tier": s.tier, "version": s.artifact_version}
                for s in services
            ],
            "authors": [a.username for a in authors],
        },
        "items": items,
        "gates": gate_rows,
        "controls": rules.control_index(items, gate_rows),
        "auditChain": {
            "headSeq": chain.seq if chain else None,
            "headHash": chain.hash if chain else None,
        },
    }
    document = ids(document)
    document["digest"] = rules.seal(document)
    return document


async def export_evidence_pack(
    uow: UnitOfWork, release_id: uuid.UUID, ids: PackIds
) -> dict[str, Any]:
    """The evidence pack of a release, its ids as `ids` names them, its export recorded in the
    audit trail."""
    release = await uow.session.get(Release, release_id)
    if release is None or not uow.scope(Action.READ, Resource.RELEASE).allows(release.bu_id):
        raise NotFound("Release was not found.")
    rule = uow.authorize(Action.EXPORT, Resource.EVIDENCE_PACK, release.bu_id)
    pack = await build_pack(uow.session, release, uow.clock.now(), uow.actor.username, ids)
    uow.record(
        action="evidence_pack.export",
        entity_type="evidence_pack",
        entity_id=release.id,
        bu_id=release.bu_id,
        rule=rule,
        after={
            "digest": pack["digest"],
            "items": len(pack["items"]),
            "gates": len(pack["gates"]),
            "throughSeq": pack["auditChain"]["headSeq"],
        },
    )
    return pack
