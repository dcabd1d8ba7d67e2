"""Pure rules of emergency bypasses (break-glass) and their post-facto reviews.

- A bypass names gates of the closed `GateKey` vocabulary for one release and one target
  environment. Segregation of duties is never waivable: a break-glass never lets anyone
  approve their own change.
- Its state is derived from the stored decision and the clock, never from a job: PENDING until
  decided; an approved bypass is ACTIVE in [approved_at, expires_at) and EXPIRED after;
  REJECTED and REVOKED are final. Expiry is therefore exact to the instant and needs no sweep.
- It lasts at most the tightest `max_bypass_hours` of the services the release ships, checked
  when requested and again when approved (the guardrail may have tightened meanwhile).
- Nothing widens it: the gates and the target are fixed at request; only the decision changes.
- The post-facto review is due `bypass_review_due_days` (the tightest over the services) after
  approval, and overdue while not completed once that instant has passed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.vocabulary import BypassStatus
from domain.kernel.errors import DomainError
from domain.kernel.gates import NON_WAIVABLE, GateKey, GateOutcome
from domain.kernel.rules import trimmed

MIN_JUSTIFICATION = 20
MAX_JUSTIFICATION = 4000
MAX_INCIDENT_REFERENCE = 200
MIN_FINDINGS = 10
MAX_FINDINGS = 8000
MAX_ACTION_ITEMS = 50
MAX_NOTE = 2000


class BypassState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    REJECTED = "rejected"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class BypassFacts:
    """What the rules need to know of a bypass (built from its row)."""

    id: uuid.UUID
    release_id: uuid.UUID
    environment_id: uuid.UUID
    gates: frozenset[str]
    status: str
    requested_by_id: uuid.UUID
    approved_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Bound:
    """The binding guardrail value over a release's services, and the service that sets it."""

    value: int
    service_id: uuid.UUID | None


# -- requesting ------------------------------------------------------------------------------


def check_gates(values: Iterable[str]) -> list[str]:
    """The named gates, each known and waivable, once each, in vocabulary order."""
    gates: set[GateKey] = set()
    for value in values:
        try:
            gate = GateKey(value)
        except ValueError:
            allowed = ", ".join(g.value for g in GateKey)
            raise DomainError(
                f"'{value}' is not a gate; gates are: {allowed}.",
                code=Code.UNKNOWN_GATE,
                field="gates",
            ) from None
        if gate in NON_WAIVABLE:
            raise DomainError(
                f"The {gate.value} gate is never waived: a break-glass never lets anyone "
                "approve their own change.",
                code=Code.GATE_NOT_WAIVABLE,
                field="gates",
            )
        gates.add(gate)
    if not gates:
        raise DomainError(
            "Name at least one gate to waive.", code=Code.GATES_REQUIRED, field="gates"
        )
    return [g.value for g in GateKey if g in gates]


def check_justification(text: str) -> str:
    return trimmed(
        text,
        MIN_JUSTIFICATION,
        MAX_JUSTIFICATION,
        f"Justify the bypass in {MIN_JUSTIFICATION} to {MAX_JUSTIFICATION} characters.",
        code=Code.JUSTIFICATION_TOO_SHORT,
        field="justification",
    )


def check_incident_reference(text: str) -> str:
    return trimmed(
        text,
        1,
        MAX_INCIDENT_REFERENCE,
        f"Name the incident (1 to {MAX_INCIDENT_REFERENCE} characters).",
        code=Code.INCIDENT_REFERENCE_REQUIRED,
        field="incidentReference",
    )


def tightest(values: Mapping[uuid.UUID, int]) -> Bound:
    """The smallest value over the services (ties broken by id, so the answer is stable)."""
    service_id, value = min(values.items(), key=lambda item: (item[1], str(item[0])))
    return Bound(value=value, service_id=service_id)


def check_duration(hours: int, bound: Bound) -> int:
    """1 hour at least, and never longer than the guardrail allows."""
    if hours < 1:
        raise DomainError(
            "A bypass lasts at least one hour.", code=Code.INVALID_DURATION, field="durationHours"
        )
    if hours > bound.value:
        raise DomainError(
            f"A bypass of this release lasts at most {bound.value} hours (max_bypass_hours).",
            code=Code.BYPASS_TOO_LONG,
            field="durationHours",
        )
    return hours


def check_note(text: str, field: str) -> str:
    message = f"Keep a note to {MAX_NOTE} characters."
    return trimmed(text, 0, MAX_NOTE, message, code=Code.NOTE_TOO_LONG, field=field)


# -- deciding --------------------------------------------------------------------------------


def check_pending(status: str) -> None:
    if status != BypassStatus.PENDING:
        raise DomainError(
            f"The bypass is {status}: once decided, nothing about it changes but a revocation.",
            code=Code.BYPASS_NOT_PENDING,
        )


def check_approver(
    approver_id: uuid.UUID | None,
    requester_id: uuid.UUID,
    owner_id: uuid.UUID,
    author_ids: Iterable[uuid.UUID],
) -> uuid.UUID:
    """Someone other than the requester, the release's owner and its authors."""
    if approver_id is None:
        raise DomainError("Only a person approves a bypass.", code=Code.PERSON_REQUIRED)
    if approver_id == requester_id:
        raise DomainError("Nobody approves their own bypass.", code=Code.BYPASS_SELF_APPROVAL)
    if approver_id == owner_id or approver_id in set(author_ids):
        raise DomainError(
            "The release's owner and authors never approve a bypass of it.",
            code=Code.BYPASS_APPROVER_IS_AUTHOR,
        )
    return approver_id


def expiry(approved_at: datetime, duration_hours: int, bound: Bound) -> datetime:
    """When an approval made now ends: the requested hours, capped by today's guardrail."""
    return approved_at + timedelta(hours=min(duration_hours, bound.value))


def review_due(approved_at: datetime, due_days: Bound) -> datetime:
    return approved_at + timedelta(days=due_days.value)


# -- state and use -----------------------------------------------------------------------------


def state(f: BypassFacts, now: datetime) -> BypassState:
    """The bypass's state at `now`, derived from its decision and its window."""
    if f.status == BypassStatus.APPROVED:
        assert f.expires_at is not None
        return BypassState.ACTIVE if now < f.expires_at else BypassState.EXPIRED
    return BypassState(f.status)


def check_use(f: BypassFacts, gate: str, environment_id: uuid.UUID, now: datetime) -> None:
    """A use is recorded only for an active bypass, on a gate it names, for its own target."""
    current = state(f, now)
    if current == BypassState.EXPIRED:
        raise DomainError("The bypass has expired.", code=Code.BYPASS_EXPIRED)
    if current != BypassState.ACTIVE:
        raise DomainError(f"The bypass is {current.value}.", code=Code.BYPASS_NOT_ACTIVE)
    if gate not in f.gates:
        raise DomainError(
            f"The bypass does not waive the {gate} gate.", code=Code.GATE_NOT_WAIVED, field="gate"
        )
    if environment_id != f.environment_id:
        raise DomainError(
            "The bypass is for another environment.",
            code=Code.BYPASS_OTHER_TARGET,
            field="environmentId",
        )


def waiver_for(
    bypasses: Sequence[BypassFacts],
    gate: str,
    release_id: uuid.UUID,
    environment_id: uuid.UUID,
    now: datetime,
) -> BypassFacts | None:
    """The active bypass that waives `gate` for this release and target, if any.

    With several, the one that lasts longest answers (then the lowest id), so the choice is
    stable; a non-waivable gate is never waived whatever a row says.
    """
    if gate in NON_WAIVABLE:
        return None
    found = [
        b
        for b in bypasses
        if b.release_id == release_id
        and b.environment_id == environment_id
        and gate in b.gates
        and state(b, now) == BypassState.ACTIVE
    ]
    if not found:
        return None
    return max(found, key=lambda b: (b.expires_at, _reverse(b.id)))


def _reverse(id_: uuid.UUID) -> int:
    return -id_.int


def apply_waiver(
    outcome: GateOutcome,
    bypasses: Sequence[BypassFacts],
    release_id: uuid.UUID,
    environment_id: uuid.UUID,
    now: datetime,
) -> tuple[GateOutcome, BypassFacts | None]:
    """The gate's outcome, waived when it blocks and an active bypass names it; and the bypass
    used (the caller records the use in the same unit of work)."""
    if not outcome.blocks:
        return outcome, None
    bypass = waiver_for(bypasses, outcome.gate, release_id, environment_id, now)
    if bypass is None:
        return outcome, None
    assert bypass.expires_at is not None
    reason = f"Waived by emergency bypass until {bypass.expires_at.isoformat()}."
    return outcome.waive(bypass.id, reason), bypass


# -- post-facto review -------------------------------------------------------------------------


def overdue(completed_at: datetime | None, due_at: datetime, now: datetime) -> bool:
    return completed_at is None and now > due_at


def check_reviewer(
    reviewer_id: uuid.UUID | None, requester_id: uuid.UUID, approver_id: uuid.UUID | None
) -> uuid.UUID:
    """A review is independent: neither the requester nor the approver reviews the bypass."""
    if reviewer_id is None:
        raise DomainError("Only a person reviews a bypass.", code=Code.PERSON_REQUIRED)
    if reviewer_id == requester_id:
        raise DomainError(
            "The requester of a bypass never reviews it.", code=Code.REVIEW_BY_REQUESTER
        )
    if reviewer_id == approver_id:
        raise DomainError(
            "The approver of a bypass never reviews it.", code=Code.REVIEW_BY_APPROVER
        )
    return reviewer_id


def check_findings(text: str) -> str:
    message = f"Write the review's findings in {MIN_FINDINGS} to {MAX_FINDINGS} characters."
    return trimmed(
        text, MIN_FINDINGS, MAX_FINDINGS, message, code=Code.FINDINGS_REQUIRED, field="findings"
    )


def check_action_items(items: Iterable[str]) -> list[str]:
    cleaned = [check_note(i, "actionItems") for i in items if i.strip()]
    if len(cleaned) > MAX_ACTION_ITEMS:
        raise DomainError(
            f"At most {MAX_ACTION_ITEMS} action items.",
            code=Code.FINDINGS_REQUIRED,
            field="actionItems",
        )
    return cleaned


# -- internal-audit statistics -----------------------------------------------------------------


def check_period(start: datetime, end: datetime) -> None:
    for name, moment in (("from", start), ("to", end)):
        if moment.utcoffset() is None:
            raise DomainError("Give times with a time zone.", code=Code.INVALID_PERIOD, field=name)
    if start >= end:
        raise DomainError("The period ends before it starts.", code=Code.INVALID_PERIOD, field="to")


@dataclass(frozen=True, slots=True)
class BuStatistics:
    """Bypasses of one BU requested in a period, against the releases created in it."""

    bu_id: uuid.UUID
    requested: int
    approved: int
    releases: int
    overdue_reviews: int
    completed_reviews: int
    mean_hours_to_review: float | None

    @property
    def rate(self) -> float | None:
        """Approved bypasses per release created; None without releases."""
        return self.approved / self.releases if self.releases else None


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    bu_id: uuid.UUID
    opened_at: datetime
    due_at: datetime
    completed_at: datetime | None


def statistics(
    requested: Mapping[uuid.UUID, int],
    approved: Mapping[uuid.UUID, int],
    releases: Mapping[uuid.UUID, int],
    reviews: Iterable[ReviewFacts],
    now: datetime,
) -> list[BuStatistics]:
    """One line per BU with bypasses or releases in the period."""
    late: dict[uuid.UUID, int] = {}
    spans: dict[uuid.UUID, list[float]] = {}
    for r in reviews:
        if overdue(r.completed_at, r.due_at, now):
            late[r.bu_id] = late.get(r.bu_id, 0) + 1
        if r.completed_at is not None:
            hours = (r.completed_at - r.opened_at).total_seconds() / 3600
            spans.setdefault(r.bu_id, []).append(hours)
    bus = set(requested) | set(releases)
    return [
        BuStatistics(
            bu_id=bu,
            requested=requested.get(bu, 0),
            approved=approved.get(bu, 0),
            releases=releases.get(bu, 0),
            overdue_reviews=late.get(bu, 0),
            completed_reviews=len(spans.get(bu, [])),
            mean_hours_to_review=(sum(spans[bu]) / len(spans[bu])) if spans.get(bu) else None,
        )
        for bu in sorted(bus, key=str)
    ]
