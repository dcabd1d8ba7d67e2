"""The change ledger as CSV for spreadsheets and audits: `GET /insights/change-ledger.csv`.

Query parameters narrow it as the `changeLedger` filter does: `since`, `until` (ISO 8601 with
an offset), `businessUnitId`, `teamId`, `serviceId` (global ids or UUIDs), `tier`, `kind`,
`changeType`, `outcome` (their lower-case values). The caller needs `change_ledger/export`; the
entries are those of the BUs where it holds it (none anywhere: 403), earliest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.writes import refused
from api.global_ids import from_id_or_uuid
from api.http import csv_download, error_response
from domain.insights import ledger_projection, ledger_queries
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/insights/change-ledger.csv"
IDS = {"businessUnitId": "BusinessUnit", "teamId": "Team", "serviceId": "Service"}
WORDS = ("tier", "kind", "changeType", "outcome")


def _moment(request: Request, name: str) -> datetime | None:
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


def _filter(request: Request) -> ledger_queries.LedgerFilter:
    q = request.query_params
    ids = {
        name: None if q.get(name) is None else from_id_or_uuid(q[name], type_, name)
        for name, type_ in IDS.items()
    }
    return ledger_queries.LedgerFilter(
        bu_id=ids["businessUnitId"],
        team_id=ids["teamId"],
        service_id=ids["serviceId"],
        tier=q.get("tier"),
        kind=q.get("kind"),
        change_type=q.get("changeType"),
        outcome=q.get("outcome"),
        since=_moment(request, "since"),
        until=_moment(request, "until"),
    )


def change_ledger_routes(runtime: Runtime) -> list[Route]:
    async def export(request: Request) -> Response:
        actor = request.state.actor
        if runtime.authorizer.scope(actor, Action.EXPORT, Resource.CHANGE_LEDGER).empty:
            return error_response(403, "FORBIDDEN", "You may not export the ledger anywhere.")
        try:
            f = _filter(request)
            await runtime.units.run(ledger_projection.catch_up)
            async with runtime.db.read_session() as session:
                rows = await ledger_queries.export_rows(
                    Reader(session, actor, runtime.authorizer), f
                )
        except DomainError as exc:
            return refused(runtime, exc)
        return csv_download(ledger_queries.ledger_csv(rows), "change-ledger.csv")

    return [Route(PATH, export, methods=["GET"])]
