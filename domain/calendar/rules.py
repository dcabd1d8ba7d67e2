"""Pure rules of the calendar: half-open intervals, conflict kinds and their severity, who moves.

Severity (one rule, everywhere the calendar speaks of conflicts):

| kind | severity | why |
| --- | --- | --- |
| same service | BLOCKING | two changes to one service at once: neither verifiable nor revertible |
| freeze | BLOCKING | binds once its stakeholders approved; only an exception lets a release by |
| dependency | WARNING | a consumer and its provider changing together blurs the cause |
| shared resource | WARNING | a database cluster or network path under two changes at once |
| environment | INFO | busy environments are normal; shown so people can coordinate |

Planning or moving a window with any BLOCKING conflict is refused (code CONFLICTS, the
conflicts listed); WARNING and INFO conflicts are returned with the window and never refuse.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.calendar.errors import CalendarErrorCode as Code
from domain.kernel.errors import DomainError
from domain.kernel.rules import matching, trimmed

MAX_WINDOW_LENGTH = timedelta(days=14)
"""No window is longer: overlap queries bound their index range scans by it."""
MAX_RANGE = timedelta(days=400)
"""The longest slice the calendar answers for in one query."""
ENVIRONMENT_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


class ConflictKind(StrEnum):
    SAME_SERVICE = "same_service"
    DEPENDENCY = "dependency"
    ENVIRONMENT = "environment"
    SHARED_RESOURCE = "shared_resource"
    FREEZE = "freeze"


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"


SEVERITY: dict[ConflictKind, Severity] = {
    ConflictKind.SAME_SERVICE: Severity.BLOCKING,
    ConflictKind.FREEZE: Severity.BLOCKING,
    ConflictKind.DEPENDENCY: Severity.WARNING,
    ConflictKind.SHARED_RESOURCE: Severity.WARNING,
    ConflictKind.ENVIRONMENT: Severity.INFO,
}
RANK = {Severity.BLOCKING: 0, Severity.WARNING: 1, Severity.INFO: 2}


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals [start, end) overlap; touching ones (a_end == b_start) do not."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True, slots=True)
class WindowFacts:
    """What conflict detection needs to know of a window."""

    id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    environment: str | None = None
    service_ids: frozenset[uuid.UUID] = frozenset()
    resources: frozenset[str] = frozenset()
    release_id: uuid.UUID | None = None
    title: str = ""
    bu_id: uuid.UUID | None = None


Edge = tuple[uuid.UUID, uuid.UUID]


@dataclass(frozen=True, slots=True)
class Clash:
    """One reason two windows conflict, and what they share (services or resources)."""

    kind: ConflictKind
    services: frozenset[uuid.UUID] = frozenset()
    resources: frozenset[str] = frozenset()

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.kind]


def _linked(edges: Collection[Edge]) -> set[frozenset[uuid.UUID]]:
    return {frozenset(e) for e in edges if e[0] != e[1]}


def classify(a: WindowFacts, b: WindowFacts, edges: Collection[Edge]) -> list[Clash]:
    """Every way two windows conflict; symmetric in a and b, empty unless they overlap."""
    if a.id == b.id or not overlaps(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
        return []
    out = []
    shared = a.service_ids & b.service_ids
    if shared:
        out.append(Clash(ConflictKind.SAME_SERVICE, services=shared))
    linked = _linked(edges)
    involved = {
        s
        for x in a.service_ids
        for y in b.service_ids
        if x != y and frozenset((x, y)) in linked
        for s in (x, y)
    }
    if involved:
        out.append(Clash(ConflictKind.DEPENDENCY, services=frozenset(involved)))
    if a.environment is not None and a.environment == b.environment:
        out.append(Clash(ConflictKind.ENVIRONMENT))
    common = a.resources & b.resources
    if common:
        out.append(Clash(ConflictKind.SHARED_RESOURCE, resources=common))
    return out


def clashes_among(
    windows: Sequence[WindowFacts], edges: Collection[Edge]
) -> list[tuple[WindowFacts, WindowFacts, Clash]]:
    """All pairwise clashes in a set of windows, by a sweep over start times (not n²)."""
    ordered = sorted(windows, key=lambda w: (w.starts_at, str(w.id)))
    active: list[WindowFacts] = []
    out = []
    for w in ordered:
        active = [a for a in active if a.ends_at > w.starts_at]
        for a in active:
            out += [(a, w, c) for c in classify(a, w, edges)]
        active.append(w)
    return out


def who_moves(
    ranking: Mapping[uuid.UUID, int], a: uuid.UUID | None, b: uuid.UUID | None
) -> uuid.UUID | None:
    """The release that should move: the lower-ranked one, when the alignment ranks both."""
    if a is None or b is None or a == b or a not in ranking or b not in ranking:
        return None
    if ranking[a] == ranking[b]:
        return None
    return a if ranking[a] > ranking[b] else b


def refuses(severities: Iterable[Severity]) -> bool:
    """Planning is refused by any BLOCKING conflict, never by warnings."""
    return any(s is Severity.BLOCKING for s in severities)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A conflict of a window with another party: a window or a freeze occurrence."""

    kind: ConflictKind
    severity: Severity
    message: str
    starts_at: datetime
    ends_at: datetime
    window_id: uuid.UUID | None = None
    freeze_id: uuid.UUID | None = None
    service_ids: frozenset[uuid.UUID] = frozenset()
    resources: frozenset[str] = frozenset()
    should_move: uuid.UUID | None = None
    advice: str | None = None


class ConflictsFound(DomainError):
    """Planning refused: the window has BLOCKING conflicts (all conflicts are attached)."""

    code = Code.CONFLICTS

    def __init__(self, conflicts: Sequence[Conflict], *, field: str | None = None) -> None:
        blocking = [c for c in conflicts if c.severity is Severity.BLOCKING]
        kinds = ", ".join(sorted({str(c.kind).replace("_", " ") for c in blocking}))
        frozen = any(c.kind is ConflictKind.FREEZE for c in blocking)
        hotfix = (
            " or, for a hotfix, plan it inside the freeze with its exception"
            " (deploymentWindowPlanInFreeze)"
        )
        super().__init__(
            f"The window has {len(blocking)} blocking conflict(s) ({kinds}); "
            f"pick another time (see windowSuggestions){hotfix if frozen else ''}.",
            field=field,
        )
        self.conflicts = list(conflicts)


def sort_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    return sorted(conflicts, key=lambda c: (RANK[c.severity], c.starts_at, str(c.kind)))


def describe(clash: Clash, other_title: str) -> str:
    """One sentence for a window clash, naming the other window."""
    match clash.kind:
        case ConflictKind.SAME_SERVICE:
            return f"'{other_title}' changes the same service(s) at the same time."
        case ConflictKind.DEPENDENCY:
            return f"'{other_title}' changes a service this one depends on, or that depends on it."
        case ConflictKind.ENVIRONMENT:
            return f"'{other_title}' uses the same environment at the same time."
        case _:
            return f"'{other_title}' uses the same shared resource(s) at the same time."


def move_advice(quarter: str, should_move: uuid.UUID, titles: Mapping[uuid.UUID, str]) -> str:
    name = titles.get(should_move, str(should_move))
    return f"The {quarter} alignment ranks '{name}' lower: it should move."


# -- input checks ----------------------------------------------------------------------------


def choice(enum: Any, value: str, code: Code, field: str) -> str:
    try:
        return str(enum(value))
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise DomainError(f"'{value}' is not one of: {allowed}.", code=code, field=field) from None


def check_title(title: str, field: str = "title") -> str:
    message = "A title needs 1 to 200 characters."
    return trimmed(title, 1, 200, message, code=Code.INVALID_TITLE, field=field)


def check_interval(
    starts_at: datetime, ends_at: datetime, *, longest: timedelta | None = MAX_WINDOW_LENGTH
) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise DomainError("Times need a UTC offset.", code=Code.INVALID_INTERVAL, field="startsAt")
    if ends_at <= starts_at:
        raise DomainError(
            "A window ends after it starts.", code=Code.INVALID_INTERVAL, field="endsAt"
        )
    if longest is not None and ends_at - starts_at > longest:
        raise DomainError(
            f"A window lasts at most {longest.days} days.",
            code=Code.INVALID_INTERVAL,
            field="endsAt",
        )


def check_environment(value: str | None, field: str = "environment") -> str | None:
    if value is None or value.strip() == "":
        return None
    env = value.strip().lower()
    if not ENVIRONMENT_PATTERN.match(env):
        raise DomainError(
            f"'{value}' is not an environment name such as production or staging-2.",
            code=Code.INVALID_ENVIRONMENT,
            field=field,
        )
    return env


def check_environments(values: Iterable[str], field: str = "environments") -> list[str]:
    return sorted({e for v in values if (e := check_environment(v, field)) is not None})


def check_resources(values: Iterable[str]) -> list[str]:
    out = sorted({v.strip().lower() for v in values})
    for r in out:
        if not 1 <= len(r) <= 128:
            raise DomainError(
                "A shared resource is named in 1 to 128 characters.",
                code=Code.INVALID_RESOURCE,
                field="resources",
            )
    return out


def check_quarter(value: str) -> str:
    value = value.strip().upper()
    message = f"'{value}' is not a quarter such as 2026-Q4."
    return matching(
        value, QUARTER_PATTERN.match, message, code=Code.INVALID_QUARTER, field="quarter"
    )


def quarter_of(at: datetime) -> str:
    return f"{at.year}-Q{(at.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class RankEntry:
    release_id: uuid.UUID
    rank: int
    rationale: str = ""


def check_ranking(entries: Sequence[RankEntry]) -> list[RankEntry]:
    """Ranks are 1, 2, 3… without gaps or ties; each release appears once."""
    if not entries:
        raise DomainError("A ranking names at least one release.", code=Code.INVALID_RANKING)
    if len({e.release_id for e in entries}) != len(entries):
        raise DomainError("A release appears once in a ranking.", code=Code.INVALID_RANKING)
    if sorted(e.rank for e in entries) != list(range(1, len(entries) + 1)):
        raise DomainError(
            "Ranks run 1, 2, 3… without gaps or ties.", code=Code.INVALID_RANKING, field="ranking"
        )
    return sorted(entries, key=lambda e: e.rank)


@dataclass(frozen=True, slots=True)
class FreezeScopeFacts:
    """What a freeze covers: its scope kind, owning BU (None: org) and listed targets."""

    scope: str
    bu_id: uuid.UUID | None
    tiers: frozenset[str] = frozenset()
    environments: frozenset[str] = frozenset()
    service_ids: frozenset[uuid.UUID] = frozenset()


def freeze_applies(
    f: FreezeScopeFacts,
    *,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID],
    environments: Collection[str],
    tiers: Collection[str],
) -> bool:
    """Does a freeze cover a change with these facts? An unknown BU (None) fails closed."""
    if f.bu_id is not None and bu_id is not None and f.bu_id != bu_id:
        return False
    match f.scope:
        case "org" | "bu":
            return True
        case "tier":
            return bool(f.tiers & set(tiers))
        case "services":
            return bool(f.service_ids & set(service_ids))
        case "environments":
            return bool(f.environments & set(environments))
    return True  # an unknown scope binds: freezes fail closed


def check_exceptions_allowed(allowed: bool, service_key: str, source: str) -> None:
    """Guardrail `freeze_exceptions_allowed` of a shipped service: False lets no exception
    through (`source` names the guardrail set that says so)."""
    if not allowed:
        raise DomainError(
            f"The guardrails ({source}) allow no freeze exception for {service_key}, which this "
            "release ships.",
            code=Code.FREEZE_EXCEPTIONS_NOT_ALLOWED,
            field="windowId",
        )
