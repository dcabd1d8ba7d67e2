"""Pure rules of the change ledger: the change types of an entry, whether it bypassed gates,
whether a hotfix followed it, its outcome, and where the projection's sweeps start."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.insights.ledger_vocabulary import ChangeKind, LedgerOutcome
from domain.kernel.vocabulary import ChangeType

HOTFIX_WINDOW = timedelta(hours=72)
"""A hotfix release of the same service deployed within this time of a change hotfixed it."""

KIND_CHANGE_TYPES: dict[ChangeKind, tuple[ChangeType, ...]] = {
    ChangeKind.DEPLOYMENT: (),
    ChangeKind.FLAG_CHANGE: (ChangeType.CONFIG,),
    ChangeKind.CONFIGURATION: (ChangeType.CONFIG,),
    ChangeKind.VENDOR_RELEASE: (ChangeType.DEPENDENCY_UPGRADE,),
    ChangeKind.DATA_MIGRATION: (ChangeType.SCHEMA_MIGRATION,),
}
"""The change types of a change that carries none of its own: a flag flip or a configuration
push is a configuration change, a vendor's release a dependency upgrade, a data migration a
schema migration. A deployment takes its release's change types (none without a release)."""


def change_types(kind: ChangeKind, release_change_types: Iterable[str] = ()) -> tuple[str, ...]:
    """The change types of a ledger entry: its release's, else its kind's, sorted."""
    own = sorted(set(release_change_types))
    return tuple(own) if own else tuple(t.value for t in KIND_CHANGE_TYPES[kind])


@dataclass(frozen=True, slots=True)
class Window:
    """An approved bypass of a release for one target, open in [opened, closes)."""

    environment_id: uuid.UUID
    opened: datetime
    closes: datetime | None


def bypassed(environment_id: uuid.UUID | None, at: datetime, windows: Iterable[Window]) -> bool:
    """A change bypassed gates when it reached its environment while an approved bypass of its
    release for that environment was open."""
    return any(
        w.environment_id == environment_id
        and w.opened <= at
        and (w.closes is None or at < w.closes)
        for w in windows
    )


@dataclass(frozen=True, slots=True)
class Shipped:
    """A production deployment of a service, as the hotfix rule needs it."""

    id: uuid.UUID
    service_id: uuid.UUID
    at: datetime
    hotfix: bool
    """It shipped a HOTFIX release."""


def hotfixed(deployments: Sequence[Shipped], window: timedelta = HOTFIX_WINDOW) -> set[uuid.UUID]:
    """The deployments a hotfix followed: for each hotfix deployment, the same service's
    deployment just before it, when it finished within `window` before the hotfix."""
    out: set[uuid.UUID] = set()
    last: dict[uuid.UUID, Shipped] = {}
    for d in sorted(deployments, key=lambda d: (d.at, str(d.id))):
        before = last.get(d.service_id)
        if d.hotfix and before is not None and d.at - before.at <= window:
            out.add(before.id)
        last[d.service_id] = d
    return out


def outcome(rolled_back: bool, incidents: int, was_hotfixed: bool) -> LedgerOutcome:
    """The worst thing that happened to a change (see `LedgerOutcome`)."""
    if rolled_back:
        return LedgerOutcome.ROLLED_BACK
    if incidents:
        return LedgerOutcome.CAUSED_INCIDENT
    if was_hotfixed:
        return LedgerOutcome.HOTFIXED
    return LedgerOutcome.SUCCEEDED


def joined(types: Iterable[str]) -> str:
    """Change types as stored: `,a,b,` so one `LIKE '%,a,%'` finds an entry of type a."""
    found = sorted(set(types))
    return f",{','.join(found)}," if found else ""


def split(stored: str) -> tuple[str, ...]:
    return tuple(t for t in stored.split(",") if t)


SETTLE = timedelta(days=30)
"""How far back the settling sweep projects again (late facts within it land)."""
SETTLE_EVERY = timedelta(hours=1)
FRESH = timedelta(seconds=60)
OVERLAP = timedelta(hours=1)
"""How far before its mark the recent sweep starts (reports arriving late by this much land)."""
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Mark:
    """A sweep's high-water mark: projected up to `until`, last run `at`."""

    until: datetime
    at: datetime


@dataclass(frozen=True, slots=True)
class Sweep:
    start: datetime
    settling: bool
    """The settling sweep's mark moves too."""


def sweep(
    recent: Mark | None,
    settled: Mark | None,
    now: datetime,
    *,
    since: datetime | None = None,
    settle: bool = False,
) -> Sweep | None:
    """Where a catch-up starts (None: nothing is due). `since` asked by hand wins; an empty
    ledger projects everything; with `settle`, the settling sweep when SETTLE_EVERY passed
    since its last (its period before its mark); else the recent sweep when FRESH passed (the
    OVERLAP before its mark). The settling mark moves only when the settling sweep ran."""
    due = settle and (settled is None or now - settled.at >= SETTLE_EVERY)
    if since is not None:
        return Sweep(since, False)
    if recent is None:
        return Sweep(EPOCH, settle)
    if due:
        return Sweep(max((settled or recent).until - SETTLE, EPOCH), True)
    if now - recent.at >= FRESH:
        return Sweep(max(recent.until - OVERLAP, EPOCH), False)
    return None
