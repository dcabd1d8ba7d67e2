"""Team benchmarks as CSV for spreadsheets: `GET /insights/team-benchmarks.csv`.

Query parameters as `teamBenchmarks`: `since`, `until` (ISO 8601 with an offset; default the
90 days up to now), `tier` (its lower-case value), `businessUnitId` (a global id or UUID). The
caller needs `change_ledger/export` somewhere (else 403), as for the ledger's CSV; teams of BUs
where it may not read the ledger are anonymised, as in GraphQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.change_ledger import _moment as moment
from api.endpoints.writes import refused
from api.global_ids import from_id_or_uuid
from api.http import csv_download, error_response
from domain.insights import benchmark_export, benchmark_queries, dora_queries, ledger_projection
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader
from domain.organization.vocabulary import Tier

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/insights/team-benchmarks.csv"


def _tier(raw: str | None) -> str | None:
    if raw is not None and raw not in {t.value for t in Tier}:
        raise DomainError(f"'{raw}' is not a tier.", field="tier")
    return raw


def team_benchmark_routes(runtime: Runtime) -> list[Route]:
    async def export(request: Request) -> Response:
        actor, q = request.state.actor, request.query_params
        if runtime.authorizer.scope(actor, Action.EXPORT, Resource.CHANGE_LEDGER).empty:
            return error_response(403, "FORBIDDEN", "You may not export the ledger anywhere.")
        try:
            start, end = dora_queries.period(
                moment(request, "since"), moment(request, "until"), runtime.clock.now()
            )
            bu = q.get("businessUnitId")
            tier = _tier(q.get("tier"))
            await runtime.units.run(ledger_projection.catch_up)
            async with runtime.db.read_session() as session:
                view = await benchmark_queries.team_benchmarks(
                    Reader(session, actor, runtime.authorizer),
                    start,
                    end,
                    tier=tier,
                    bu_id=None
                    if bu is None
                    else from_id_or_uuid(bu, "BusinessUnit", "businessUnitId"),
                )
        except DomainError as exc:
            return refused(runtime, exc)
        stamp = f"{start:%Y%m%d}-{end:%Y%m%d}"
        return csv_download(benchmark_export.benchmarks_csv(view), f"team-benchmarks-{stamp}.csv")

    return [Route(PATH, export, methods=["GET"])]
