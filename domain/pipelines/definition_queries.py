"""Read use cases of pipelines, definition versions and runs, scoped by `pipeline_definition/read`.

Runs are read with their pipeline (the same permission): they are the pipeline's history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource, Scope
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.pipelines import definition_diff as diffs
from domain.pipelines import definition_repository as repo

Rows = dict[Any, Row[Any]]
PageKey = tuple[uuid.UUID, int | None, str | None]


def _empty() -> Page[Row[Any]]:
    return Page(items=[], has_next=False, cursors=[])


def _visible(rows: Rows, scope: Scope) -> Rows:
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


def _scope(r: Reader) -> Scope:
    return r.scope(Resource.PIPELINE_DEFINITION)


async def pipelines(
    r: Reader, *, team_id: uuid.UUID | None, first: int | None, after: str | None
) -> Page[Row[Any]]:
    scope = _scope(r)
    if scope.empty:
        return _empty()
    return await repo.pipelines_page(r.session, scope, team_id=team_id, first=first, after=after)


async def pipelines_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.pipelines_by_ids(r.session, ids), _scope(r))


async def versions_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.versions_by_ids(r.session, ids), _scope(r))


async def runs_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.runs_by_ids(r.session, ids), _scope(r))


async def service_ids_of_pipelines(
    r: Reader, ids: Sequence[uuid.UUID]
) -> dict[Any, list[uuid.UUID]]:
    """Service ids per pipeline; the caller asks only for pipelines it may read."""
    grouped = await repo.services_of_pipelines(r.session, ids)
    return {k: [row.service_id for row in v] for k, v in grouped.items()}


async def active_versions(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.active_versions_of(r.session, ids), _scope(r))


async def latest_runs(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.latest_runs(r.session, ids), _scope(r))


async def reviews_of_versions(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Any]]:
    scope = _scope(r)
    grouped = await repo.reviews_of_versions(r.session, ids)
    return {k: [row for row in v if scope.allows(row.bu_id)] for k, v in grouped.items()}


async def _pages(r: Reader, keys: Sequence[PageKey], query: Any) -> list[Page[Row[Any]]]:
    """A page per (pipeline, first, after): one statement per distinct (first, after)."""
    groups: dict[tuple[int | None, str | None], list[uuid.UUID]] = {}
    for parent, first, after in keys:
        groups.setdefault((first, after), []).append(parent)
    scope = _scope(r)
    out: dict[PageKey, Page[Row[Any]]] = {}
    for (first, after), parents in groups.items():
        pages = await query(r.session, parents, first=first, after=after)
        for parent in parents:
            page = pages[parent]
            visible = all(scope.allows(row.bu_id) for row in page.items)
            out[(parent, first, after)] = page if visible else _empty()
    return [out[k] for k in keys]


async def version_pages(r: Reader, keys: Sequence[PageKey]) -> list[Page[Row[Any]]]:
    """Definition history per pipeline, by number."""
    return await _pages(r, keys, repo.versions_of_pipelines)


async def run_pages(r: Reader, keys: Sequence[PageKey]) -> list[Page[Row[Any]]]:
    """Runs per pipeline, oldest start first."""
    return await _pages(r, keys, repo.runs_of_pipelines)


async def diff(
    r: Reader, version_id: uuid.UUID, against_id: uuid.UUID, fmt: str
) -> diffs.DefinitionDiff:
    """How `version_id` differs from `against_id` (both yours to read)."""
    found = await versions_by_id(r, [version_id, against_id])
    if version_id not in found:
        raise NotFound("Pipeline definition version was not found.", field="id")
    if against_id not in found:
        raise NotFound("Pipeline definition version was not found.", field="against")
    new, old = found[version_id], found[against_id]
    if new.pipeline_id != old.pipeline_id:
        raise DomainError("Only versions of the same pipeline are compared.", field="against")
    return diffs.diff_documents(
        old.document,
        new.document,
        old_label=f"version {old.number} ({old.content_hash[:19]})",
        new_label=f"version {new.number} ({new.content_hash[:19]})",
        fmt=fmt,
    )
