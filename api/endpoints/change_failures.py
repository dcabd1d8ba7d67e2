"""Where changes fail, as CSV for spreadsheets: `GET /insights/change-failures.csv`.

Query parameters: `businessUnitId`, `teamId`, `serviceId` (global ids or UUIDs), `tier` (its
lower-case value), `since`, `until` (ISO 8601 with an offset; default the 90 days up to now),
`failure` (incident, rollback, hotfix, any), `factor` and `minChanges` (when a change type
stands out). The caller needs `change_ledger/export` (none anywhere: 403); the figures are of
the changes in the BUs where it holds it. One row overall, then one per change type, risk
level, kind and (type, level) cell (`failure_queries.failures_csv`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.change_ledger import _filter as ledger_filter
from api.endpoints.writes import refused
from api.http import csv_download, error_response
from domain.insights import dora_queries, failure_queries, ledger_projection
from domain.insights import failure_rules as rules
from domain.insights.dora_vocabulary import FailureDefinition
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, KernelErrorCode
from domain.kernel.reader import Reader
from domain.kernel.rules import choice

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/insights/change-failures.csv"
N = TypeVar("N", int, float)


def _number(request: Request, name: str, parse: Callable[[str], N]) -> N | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return parse(raw)
    except ValueError:
        raise DomainError(f"{name} is a number.", field=name) from None


def change_failures_routes(runtime: Runtime) -> list[Route]:
    async def export(request: Request) -> Response:
        actor = request.state.actor
        if runtime.authorizer.scope(actor, Action.EXPORT, Resource.CHANGE_LEDGER).empty:
            return error_response(403, "FORBIDDEN", "You may not export the ledger anywhere.")
        try:
            f = ledger_filter(request)
            start, end = dora_queries.period(f.since, f.until, runtime.clock.now())
            scope = replace(f, kind=None, change_type=None, outcome=None, since=None, until=None)
            failure = choice(
                FailureDefinition,
                request.query_params.get("failure", FailureDefinition.INCIDENT.value),
                KernelErrorCode.BAD_USER_INPUT,
                "failure",
            )
            t = rules.thresholds(
                _number(request, "factor", float), _number(request, "minChanges", int)
            )
            await runtime.units.run(ledger_projection.catch_up)
            async with runtime.db.read_session() as session:
                report = await failure_queries.change_failures(
                    Reader(session, actor, runtime.authorizer),
                    scope,
                    start,
                    end,
                    failure,
                    t,
                    Action.EXPORT,
                )
        except DomainError as exc:
            return refused(runtime, exc)
        stamp = f"{start:%Y%m%d}-{end:%Y%m%d}"
        return csv_download(
            failure_queries.failures_csv(report.analysis), f"change-failures-{stamp}.csv"
        )

    return [Route(PATH, export, methods=["GET"])]
