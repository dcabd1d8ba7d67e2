"""Test investment for spreadsheets over HTTP: `GET /insights/test-investment.csv`.

Query parameters as `testInvestment` takes them: `since`, `until` (ISO 8601 with an offset;
default the 90 days up to now), `businessUnitId`, `teamId`, `serviceId` (global ids or UUIDs),
`coverageThresholdPercent`, `minWeightedDefects`, `halfLifeDays`, and the severity weights
`critical`, `high`, `medium`, `low`. The caller needs `defect/export` (as for the defect
backlog); the rows are those of the BUs where it holds it and reads the change ledger and
evidence (none anywhere: 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.defect_backlog import _when as when
from api.endpoints.writes import refused
from api.global_ids import from_id_or_uuid
from api.http import csv_download, error_response
from domain.insights import dora_queries, ledger_projection, testing_export, testing_queries
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/insights/test-investment.csv"
IDS = {"businessUnitId": "BusinessUnit", "teamId": "Team", "serviceId": "Service"}
NUMBERS = {
    "coverageThresholdPercent": "coverage_threshold",
    "minWeightedDefects": "min_weighted_defects",
    "halfLifeDays": "half_life_days",
}
WEIGHTS = ("critical", "high", "medium", "low")


def _number(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        raise DomainError(f"{name} is a number.", field=name) from None


def _filter(request: Request) -> testing_queries.DefectFilter:
    q = request.query_params
    ids = {
        name: None if q.get(name) is None else from_id_or_uuid(q[name], type_, name)
        for name, type_ in IDS.items()
    }
    return testing_queries.DefectFilter(
        bu_id=ids["businessUnitId"], team_id=ids["teamId"], service_id=ids["serviceId"]
    )


def test_investment_routes(runtime: Runtime) -> list[Route]:
    async def export(request: Request) -> Response:
        actor = request.state.actor
        if runtime.authorizer.scope(actor, Action.EXPORT, Resource.DEFECT).empty:
            return error_response(403, "FORBIDDEN", "You may not export defects anywhere.")
        try:
            start, end = dora_queries.period(
                when(request, "since"), when(request, "until"), runtime.clock.now()
            )
            options = testing_queries.options(
                {w: _number(request, w) for w in WEIGHTS},
                **{field: _number(request, name) for name, field in NUMBERS.items()},
            )
            f = _filter(request)
            await runtime.units.run(ledger_projection.catch_up)
            async with runtime.db.read_session() as session:
                report = await testing_queries.test_investment(
                    Reader(session, actor, runtime.authorizer),
                    f,
                    start,
                    end,
                    options,
                    action=Action.EXPORT,
                )
        except DomainError as exc:
            return refused(runtime, exc)
        stamp = f"{start:%Y%m%d}-{end:%Y%m%d}"
        return csv_download(testing_export.investment_csv(report), f"test-investment-{stamp}.csv")

    return [Route(PATH, export, methods=["GET"])]
