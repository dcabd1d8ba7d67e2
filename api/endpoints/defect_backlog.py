"""Defect patterns for backlog tools over HTTP: `GET /defects/patterns.csv` (Jira's CSV
importer: Summary, Issue Type, Priority, repeated Labels and Component/s, Description; RFC 4180,
UTF-8) and `GET /defects/patterns.json`.

Query parameters: `since`, `until` (ISO 8601 with an offset; default the 28 days up to now),
`businessUnitId` (a global id; default every BU you may export), and the thresholds
`recurring`, `risingMinDefects`, `changeTypeMinDefects`, `changeTypeTop`. The caller needs
`defect/export`; the patterns are those of the BUs where it holds it (none anywhere: 403).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.writes import refused
from api.global_ids import from_id_or_uuid
from api.http import ORJSONResponse, error_response
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader
from domain.postrelease import defect_backlog as backlog
from domain.postrelease import defect_patterns as patterns

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/defects/patterns.{format}"
THRESHOLDS = {
    "recurring": "recurring",
    "risingMinDefects": "rising_min_defects",
    "changeTypeMinDefects": "change_type_min_defects",
    "changeTypeTop": "change_type_top",
}


def _when(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise DomainError(f"{name} is an ISO 8601 time with an offset.", field=name)
    return value


def _count(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise DomainError(f"{name} is a whole number.", field=name)
    return int(raw)


def defect_backlog_routes(runtime: Runtime) -> list[Route]:
    async def export(request: Request) -> Response:
        fmt = request.path_params["format"]
        if fmt not in ("csv", "json"):
            return error_response(404, "NOT_FOUND", "The patterns are .csv or .json.")
        actor = request.state.actor
        if runtime.authorizer.scope(actor, Action.EXPORT, Resource.DEFECT).empty:
            return error_response(403, "FORBIDDEN", "You may not export defects anywhere.")
        try:
            period = patterns.export_period(
                _when(request, "since"), _when(request, "until"), runtime.clock.now()
            )
            t = patterns.thresholds(
                **{key: _count(request, name) for name, key in THRESHOLDS.items()}
            )
            raw_bu = request.query_params.get("businessUnitId")
            bu = None if raw_bu is None else from_id_or_uuid(raw_bu, "BusinessUnit", "id")
            async with runtime.db.read_session() as session:
                found = await patterns.backlog_of(
                    Reader(session, actor, runtime.authorizer),
                    period,
                    t,
                    bu_ids=None if bu is None else [bu],
                )
        except DomainError as exc:
            return refused(runtime, exc)
        stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        headers = {
            "cache-control": "no-store",
            "content-disposition": f'attachment; filename="defect-patterns-{stamp}.{fmt}"',
        }
        if fmt == "json":
            return ORJSONResponse(backlog.as_json(found, period), headers=headers)
        return Response(
            backlog.jira_csv(found).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers=headers,
        )

    return [Route(PATH, export, methods=["GET"])]
