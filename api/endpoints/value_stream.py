"""The value-stream summary for spreadsheets over HTTP: `GET /insights/value-stream.csv`.

Query parameters: `teamId` or `businessUnitId` (a global id; one of them), `since`, `until`
(ISO 8601 with an offset; default the 90 days up to now). The caller needs to read the
deployments of the team's (or the BU's) BU; outside it the team or BU reads as not found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.defect_backlog import _when as when
from api.endpoints.writes import refused
from api.global_ids import from_id_or_uuid
from api.http import csv_download
from domain.insights import stream_export, stream_queries
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/insights/value-stream.csv"


def value_stream_routes(runtime: Runtime) -> list[Route]:
    async def export(request: Request) -> Response:
        params = request.query_params
        try:
            period = stream_queries.period_of(
                when(request, "since"), when(request, "until"), runtime.clock.now()
            )
            team = params.get("teamId")
            bu = params.get("businessUnitId")
            async with runtime.db.read_session() as session:
                view = await stream_queries.value_stream_summary(
                    Reader(session, request.state.actor, runtime.authorizer),
                    team_id=None if team is None else from_id_or_uuid(team, "Team", "teamId"),
                    bu_id=None
                    if bu is None
                    else from_id_or_uuid(bu, "BusinessUnit", "businessUnitId"),
                    period=period,
                )
        except DomainError as exc:
            return refused(runtime, exc)
        stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        return csv_download(stream_export.summary_csv(view.summary), f"value-stream-{stamp}.csv")

    return [Route(PATH, export, methods=["GET"])]
