"""Pure rules of downtime communication: who must be told, and the `downtime_notices` gate.

The audience of a breaking release is every service downstream of the services it ships,
transitively (a consumer of a consumer is hurt too), and the teams owning them. The gate blocks
until every such team has acknowledged, or until the notice period (guardrail
`downtime_notice_period_hours`, by tier) has passed and the silence was escalated.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateKey, GateOutcome, passed, pending
from domain.kernel.rules import trimmed
from domain.readiness.notice_errors import NoticeErrorCode as Code

GATE = str(GateKey.DOWNTIME_NOTICES)
PERIOD_KEY = "downtime_notice_period_hours"
MAX_WINDOW = timedelta(days=14)
IMPACT_MAX = 4000
EMAIL = re.compile(r"^[^@\s<>,;\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


class NoticeKind(StrEnum):
    """Why consumers must be told."""

    BREAKING = "breaking"
    """An incompatible change: consumers must adapt."""
    UNAVAILABILITY = "unavailability"
    """Planned downtime: the services are unavailable during the window."""


class SubscriptionSubject(StrEnum):
    """What an address subscribes to: a team's notices, or downtime touching a service."""

    TEAM = "team"
    """The team's contact address: told, with the team's acknowledgement link."""
    SERVICE = "service"
    """A stakeholder of the service: told whenever it is shipped or downstream."""


# -- audience --------------------------------------------------------------------------------


def downstream(
    shipped: Collection[uuid.UUID], edges: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> set[uuid.UUID]:
    """The services that consume `shipped`, directly or through other consumers (the shipped
    ones themselves left out); `edges` are (consumer, provider)."""
    consumers: dict[uuid.UUID, set[uuid.UUID]] = {}
    for consumer, provider in edges:
        consumers.setdefault(provider, set()).add(consumer)
    seen: set[uuid.UUID] = set()
    frontier = set(shipped)
    while frontier:
        reached = {c for p in frontier for c in consumers.get(p, ())} - seen - set(shipped)
        seen |= reached
        frontier = reached
    return seen


def teams_to_tell(owner_of: Mapping[uuid.UUID, uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Per owning team, the downstream services it owns (sorted), from service → team."""
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for service_id, team_id in owner_of.items():
        out.setdefault(team_id, []).append(service_id)
    return {t: sorted(s, key=str) for t, s in out.items()}


# -- inputs ----------------------------------------------------------------------------------


def check_kind(value: str) -> NoticeKind:
    try:
        return NoticeKind(value)
    except ValueError:
        raise DomainError(
            f"A notice is {' or '.join(k.value for k in NoticeKind)}.",
            code=Code.INVALID_NOTICE_KIND,
            field="kind",
        ) from None


def check_window(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """The window is ahead (it may have begun), ordered, and at most MAX_WINDOW long."""
    if ends_at <= starts_at or ends_at - starts_at > MAX_WINDOW or ends_at <= now:
        raise DomainError(
            "The window ends after it starts, within 14 days, and not in the past.",
            code=Code.INVALID_WINDOW,
            field="windowEndsAt",
        )


def check_impact(value: str) -> str:
    return trimmed(
        value,
        1,
        IMPACT_MAX,
        f"Say what consumers will notice, in 1 to {IMPACT_MAX} characters.",
        code=Code.IMPACT_REQUIRED,
        field="impact",
    )


def check_contact(value: str) -> str:
    return trimmed(
        value,
        3,
        320,
        "Name whom consumers call or write to, in 3 to 320 characters.",
        code=Code.INVALID_CONTACT,
        field="contact",
    )


def check_email(value: str) -> str:
    email = value.strip()
    if len(email) > 320 or not EMAIL.match(email):
        raise DomainError("That is not an e-mail address.", code=Code.INVALID_EMAIL, field="email")
    return email


# -- the gate --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecipientFacts:
    team_id: uuid.UUID
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """A release's downtime notice as the decision reads it."""

    id: uuid.UUID
    kind: str
    issued_at: datetime
    escalated_at: datetime | None
    recipients: tuple[RecipientFacts, ...] = ()

    @property
    def waiting_for(self) -> list[str]:
        """The teams yet to acknowledge, by id."""
        return sorted(str(r.team_id) for r in self.recipients if r.acknowledged_at is None)


def period_over(notice: NoticeFacts, period_hours: int, now: datetime) -> bool:
    return now >= notice.issued_at + timedelta(hours=period_hours)


def notice_gate(notice: NoticeFacts | None, period_hours: int, now: datetime) -> GateOutcome:
    """Gate `downtime_notices` at `now`: passed without a notice, or once every team told has
    acknowledged, or once the notice period passed and the silence was escalated."""
    if notice is None:
        return passed(GATE, "The release declares no breaking change or planned downtime.")
    waiting = notice.waiting_for
    evidence: dict[str, Any] = {
        "noticeId": str(notice.id),
        "kind": notice.kind,
        "teams": len(notice.recipients),
        "unacknowledged": waiting,
        "noticePeriodHours": period_hours,
    }
    if not waiting:
        return passed(
            GATE,
            f"All {len(notice.recipients)} team(s) told of the {notice.kind} have acknowledged.",
            **evidence,
        )
    if not period_over(notice, period_hours, now):
        due = notice.issued_at + timedelta(hours=period_hours)
        return pending(
            GATE,
            f"{len(waiting)} team(s) have not acknowledged the notice; the notice period of "
            f"{period_hours} h runs until {due.isoformat()}.",
            **evidence,
        )
    if notice.escalated_at is None:
        return pending(
            GATE,
            f"The notice period passed with {len(waiting)} team(s) silent; escalate before "
            "going ahead.",
            **evidence,
        )
    return passed(
        GATE,
        f"The notice period passed and the {len(waiting)} silent team(s) were escalated.",
        escalatedAt=notice.escalated_at.isoformat(),
        **evidence,
    )
