"""The go/no-go dashboard: what the meeting needs about a release, centrally, or about every
release of a train's departure.

One gathering answers it all: the promotion decision of every shipped service in every target
environment (domain.read.release_blockers, batched through take_snapshots), so the statements do
not grow with the number of services. Every gate lands in one area of the dashboard (build,
tests, environments, NFRs, readiness review, ...); an area's status is its worst gate across
the services, each gate kept with its reason and evidence (what is met, missed, missing). Next
to it, the open incidents on the shipped services (domain.pipelines.open_incident_facts: one
statement for all of them, the newest listed, all counted): shown, not judged, since no gate
weighs them yet.

Whoever may read the release sees its dashboard. When the caller may not read the release's
services or ask for promotion decisions there, the decision-backed parts stay neutral: no
services, every area unknown, no verdict; nothing of them is leaked. Nothing is recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.governance.facts import release
from domain.kernel.access import Action, Resource
from domain.kernel.errors import NotFound
from domain.kernel.gates import GateKey, GateOutcome, GateStatus
from domain.kernel.reader import Reader
from domain.pipelines.open_incident_facts import OpenIncidents, open_incidents
from domain.pipelines.vocabulary import PromotionStatus
from domain.read.release_blockers import Blockers, release_blockers
from domain.risk.scoring import Contribution
from domain.trains.queries import departures_by_id, releases_of_departures


class ReadinessArea(StrEnum):
    """The parts of the go/no-go dashboard, each made of the gates that speak for it."""

    BUILD = "build"
    TESTS = "tests"
    ENVIRONMENTS = "environments"
    PERFORMANCE = "performance"
    NFRS = "nfrs"
    READINESS_REVIEW = "readiness_review"
    DATA_MIGRATIONS = "data_migrations"
    DOWNTIME_NOTICES = "downtime_notices"
    RISK = "risk"
    GOVERNANCE = "governance"


AREA_OF_GATE: dict[GateKey, ReadinessArea] = {
    GateKey.PIPELINE_DRIFT: ReadinessArea.BUILD,
    GateKey.SECURITY_SCAN: ReadinessArea.TESTS,
    GateKey.STATIC_ANALYSIS: ReadinessArea.TESTS,
    GateKey.LICENCES: ReadinessArea.TESTS,
    GateKey.TEST_COVERAGE: ReadinessArea.TESTS,
    GateKey.ENVIRONMENT_PARITY: ReadinessArea.ENVIRONMENTS,
    GateKey.ONBOARDING: ReadinessArea.ENVIRONMENTS,
    GateKey.VENDOR_ATTESTATIONS: ReadinessArea.ENVIRONMENTS,
    GateKey.DR_TEST: ReadinessArea.ENVIRONMENTS,
    GateKey.PERFORMANCE: ReadinessArea.PERFORMANCE,
    GateKey.NFRS: ReadinessArea.NFRS,
    GateKey.READINESS_REVIEW: ReadinessArea.READINESS_REVIEW,
    GateKey.DATA_MIGRATIONS: ReadinessArea.DATA_MIGRATIONS,
    GateKey.MIGRATION_DRY_RUN: ReadinessArea.DATA_MIGRATIONS,
    GateKey.DOWNTIME_NOTICES: ReadinessArea.DOWNTIME_NOTICES,
    GateKey.RISK_REQUIREMENTS: ReadinessArea.RISK,
    GateKey.PEER_REVIEW: ReadinessArea.RISK,
    GateKey.FREEZE: ReadinessArea.GOVERNANCE,
    GateKey.DOCUMENTATION: ReadinessArea.GOVERNANCE,
    GateKey.SIGN_OFFS: ReadinessArea.GOVERNANCE,
    GateKey.BOARD_DECISION: ReadinessArea.GOVERNANCE,
    GateKey.RELEASE_STATUS: ReadinessArea.GOVERNANCE,
    GateKey.INTEGRATION_WINDOW: ReadinessArea.GOVERNANCE,
    GateKey.APPROVALS: ReadinessArea.GOVERNANCE,
    GateKey.SEGREGATION_OF_DUTIES: ReadinessArea.GOVERNANCE,
}
"""Every gate the decision composes, in the area of the dashboard it speaks for."""

_WORST_FIRST = (GateStatus.FAILED, GateStatus.PENDING, GateStatus.WAIVED, GateStatus.PASSED)


@dataclass(frozen=True, slots=True)
class AreaGate:
    """One gate of one service in one target environment."""

    service_id: uuid.UUID
    environment_id: uuid.UUID
    outcome: GateOutcome


@dataclass(frozen=True, slots=True)
class AreaReadiness:
    area: ReadinessArea
    status: GateStatus | None
    """The worst of its gates across the services; None when none of them applies (or the
    decision is not yours to see)."""
    gates: tuple[AreaGate, ...]


@dataclass(frozen=True, slots=True)
class Readiness:
    """The dashboard of one release."""

    release_id: uuid.UUID
    visible: bool
    """Whether the decision-backed parts (services, areas, verdict, risk) are yours to see."""
    services: tuple[Blockers, ...]
    areas: tuple[AreaReadiness, ...]
    incidents: OpenIncidents | None = None
    """The open incidents on the shipped services; None when they are not yours to see (the
    decision-backed parts are not, or you may not read incident reports in the release's BU)."""

    @property
    def verdict(self) -> PromotionStatus | None:
        """Refused when a service is refused; allowed when every service is; else waiting."""
        if not self.visible:
            return None
        statuses = {b.decision.status for b in self.services}
        if PromotionStatus.REFUSED in statuses:
            return PromotionStatus.REFUSED
        if self.services and statuses == {PromotionStatus.ALLOWED}:
            return PromotionStatus.ALLOWED
        return PromotionStatus.WAITING

    @property
    def risk_level(self) -> str | None:
        return next((b.risk_level for b in self.services if b.risk_level), None)

    @property
    def risk_factors(self) -> tuple[Contribution, ...]:
        return next((b.risk_factors for b in self.services if b.risk_factors), ())

    @property
    def as_of(self) -> datetime | None:
        return min((b.as_of for b in self.services), default=None)


async def release_readiness(r: Reader, release_id: uuid.UUID, now: datetime) -> Readiness:
    """The go/no-go dashboard of a release you may read (NOT_FOUND otherwise)."""
    found = await release(r.session, release_id, readable_in=r.scope(Resource.RELEASE))
    may_decide = r.may_read(Resource.SERVICE, found.bu_id) and (
        r.authorizer.check(r.actor, Action.EVALUATE, Resource.PROMOTION, found.bu_id) is not None
    )
    if not may_decide:
        return Readiness(found.id, False, (), _areas(()))
    services = tuple(await release_blockers(r, found.id, now))
    incidents = await _open_incidents(r, found.bu_id, services)
    return Readiness(found.id, True, services, _areas(services), incidents)


async def _open_incidents(
    r: Reader, bu_id: uuid.UUID, services: tuple[Blockers, ...]
) -> OpenIncidents | None:
    scope = r.scope(Resource.CD_EVENT)
    if not scope.allows(bu_id):
        return None
    return await open_incidents(r.session, {b.service_id for b in services}, scope)


async def departure_readiness(r: Reader, departure_id: uuid.UUID, now: datetime) -> list[Readiness]:
    """The dashboard of every release boarded on a departure you may read, those you may not
    read left out (NOT_FOUND when the departure is not yours to see)."""
    if departure_id not in await departures_by_id(r, [departure_id]):
        raise NotFound("Departure was not found.", field="departureId")
    boarded = (await releases_of_departures(r, [departure_id])).get(departure_id, [])
    found = []
    for release_id in boarded:
        try:
            found.append(await release_readiness(r, release_id, now))
        except NotFound:
            continue
    return found


def _areas(services: Iterable[Blockers]) -> tuple[AreaReadiness, ...]:
    gates: dict[ReadinessArea, list[AreaGate]] = {a: [] for a in ReadinessArea}
    for b in services:
        for o in b.decision.outcomes:
            gates[AREA_OF_GATE[GateKey(o.gate)]].append(AreaGate(b.service_id, b.environment_id, o))
    return tuple(AreaReadiness(a, _worst(g), tuple(g)) for a, g in gates.items())


def _worst(gates: list[AreaGate]) -> GateStatus | None:
    statuses = {g.outcome.status for g in gates}
    return next((s for s in _WORST_FIRST if s in statuses), None)
