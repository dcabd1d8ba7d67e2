"""Governance's published query fragments: for a context above that must count, scope or join
releases in its own statement (releases created per BU, a risk factor over release history),
where a batched facts read would cost a statement per row or lose the database's grouping.

Each fragment is a subquery whose columns are named in its docstring: the columns are the
interface, the tables stay governance's (docs/architecture.md).
"""

from __future__ import annotations

from sqlalchemy import Subquery, select

from domain.governance.facts import RELEASE_SUMMARY
from domain.governance.models import Release, ReleaseAuthor, ReleaseService


def release_rows() -> Subquery:
    """Releases: id, bu_id, title, status, release_type, owner_id, change_types, environments,
    planned_start, planned_end, regions, created_at, updated_at."""
    return select(
        *RELEASE_SUMMARY, Release.regions, Release.created_at, Release.updated_at
    ).subquery()


def shipped_rows() -> Subquery:
    """What releases ship: release_id, service_id, artifact_version."""
    return select(
        ReleaseService.release_id, ReleaseService.service_id, ReleaseService.artifact_version
    ).subquery()


def author_rows() -> Subquery:
    """Who authored releases: release_id, person_id."""
    return select(ReleaseAuthor.release_id, ReleaseAuthor.person_id).subquery()
