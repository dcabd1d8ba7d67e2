"""The feed's deployment windows, freeze exceptions and unauthorized changes, as its person may
read them (each by its own permission, in the BUs they hold it in; a window's services only
where they may read services).

Bounded like the rest of the feed (`MAX_WINDOWS`, `MAX_EXCEPTIONS`, `MAX_UNAUTHORIZED_CHANGES`):
planned windows and the requested or approved exceptions of such windows ending no earlier than
the feed's horizon, and unauthorized changes detected since then, earliest first. A title of
something the person may not read (the release a window is for, the freeze an exception goes
through) is left out rather than shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource, Scope
from domain.kernel.reader import Reader
from domain.read import calendar_feed_events_repository as repo

MAX_WINDOWS = 1000
"""At most this many deployment windows in one feed (the earliest in the horizon)."""
MAX_EXCEPTIONS = 500
"""At most this many freeze exceptions in one feed (the earliest in the horizon)."""
MAX_UNAUTHORIZED_CHANGES = 500
"""At most this many unauthorized changes in one feed (the earliest in the horizon)."""


@dataclass(frozen=True, slots=True)
class FeedWindow:
    id: uuid.UUID
    kind: str
    title: str
    environment: str | None
    bu_key: str
    bu_name: str
    release_title: str | None
    services: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class FeedException:
    """Leave for a release's window to go through a freeze; spans its window."""

    id: uuid.UUID
    status: str
    justification: str
    freeze_title: str | None
    release_title: str | None
    window_title: str
    environment: str | None
    bu_key: str
    starts_at: datetime
    ends_at: datetime
    expires_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class FeedUnauthorizedChange:
    """A production deployment no allowed promotion covers, at the moment it was detected."""

    id: uuid.UUID
    status: str
    service_key: str
    service_name: str
    environment: str
    artifact_version: str
    bu_key: str
    release_title: str | None
    source: str
    reason: str
    deployed_by: str
    finding: str
    detected_at: datetime
    reviewed_at: datetime | None
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class FeedEvents:
    windows: tuple[FeedWindow, ...] = ()
    exceptions: tuple[FeedException, ...] = ()
    unauthorized_changes: tuple[FeedUnauthorizedChange, ...] = ()
    truncated: bool = False


async def feed_events(r: Reader, *, since: datetime) -> FeedEvents:
    """Windows, exceptions and unauthorized changes the reader may read, since `since`."""
    window_scope = r.scope(Resource.DEPLOYMENT_WINDOW)
    exception_scope = r.scope(Resource.FREEZE_EXCEPTION)
    change_scope = r.scope(Resource.UNAUTHORIZED_CHANGE)
    windows = (
        []
        if window_scope.empty
        else await repo.windows_in_horizon(
            r.session, window_scope, ending_after=since, limit=MAX_WINDOWS + 1
        )
    )
    exceptions = (
        []
        if exception_scope.empty
        else await repo.exceptions_in_horizon(
            r.session, exception_scope, ending_after=since, limit=MAX_EXCEPTIONS + 1
        )
    )
    changes = (
        []
        if change_scope.empty
        else await repo.unauthorized_changes_since(
            r.session, change_scope, since=since, limit=MAX_UNAUTHORIZED_CHANGES + 1
        )
    )
    services = await repo.window_service_keys(
        r.session, [w.id for w in windows[:MAX_WINDOWS]], r.scope(Resource.SERVICE)
    )
    releases, freezes = r.scope(Resource.RELEASE), r.scope(Resource.FREEZE)
    return FeedEvents(
        windows=tuple(_window(w, services, releases) for w in windows[:MAX_WINDOWS]),
        exceptions=tuple(_exception(e, releases, freezes) for e in exceptions[:MAX_EXCEPTIONS]),
        unauthorized_changes=tuple(
            _change(c, releases) for c in changes[:MAX_UNAUTHORIZED_CHANGES]
        ),
        truncated=len(windows) > MAX_WINDOWS
        or len(exceptions) > MAX_EXCEPTIONS
        or len(changes) > MAX_UNAUTHORIZED_CHANGES,
    )


def _release_title(row: Row[Any], releases: Scope) -> str | None:
    if row.release_title is None or not releases.allows(row.release_bu_id):
        return None
    title: str = row.release_title
    return title


def _window(row: Row[Any], services: dict[uuid.UUID, list[str]], releases: Scope) -> FeedWindow:
    return FeedWindow(
        id=row.id,
        kind=row.kind,
        title=row.title,
        environment=row.environment,
        bu_key=row.bu_key,
        bu_name=row.bu_name,
        release_title=_release_title(row, releases),
        services=tuple(services.get(row.id, ())),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _exception(row: Row[Any], releases: Scope, freezes: Scope) -> FeedException:
    # Org-wide freezes are for everyone who may read freezes somewhere; BU ones by BU.
    freeze_readable = not freezes.empty and (
        row.freeze_bu_id is None or freezes.allows(row.freeze_bu_id)
    )
    return FeedException(
        id=row.id,
        status=row.status,
        justification=row.justification or "",
        freeze_title=row.freeze_title if freeze_readable else None,
        release_title=_release_title(row, releases),
        window_title=row.window_title,
        environment=row.environment,
        bu_key=row.bu_key,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        expires_at=row.expires_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _change(row: Row[Any], releases: Scope) -> FeedUnauthorizedChange:
    return FeedUnauthorizedChange(
        id=row.id,
        status=row.status,
        service_key=row.service_key,
        service_name=row.service_name,
        environment=row.environment_key,
        artifact_version=row.artifact_version,
        bu_key=row.bu_key,
        release_title=_release_title(row, releases),
        source=row.source,
        reason=row.reason or "",
        deployed_by=row.deployed_by or "",
        finding=row.finding or "",
        detected_at=row.detected_at,
        reviewed_at=row.reviewed_at,
        updated_at=row.updated_at,
        version=row.version,
    )
