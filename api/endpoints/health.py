"""Liveness, readiness and metrics endpoints."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response

from api.http import ORJSONResponse, error_response
from domain.kernel.access import Action, Resource
from domain.kernel.db import is_outage
from domain.migrations import current_revisions, head_revisions

if TYPE_CHECKING:
    from api.runtime import Runtime


def healthz(runtime: Runtime):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request) -> Response:
        """The process is alive; says nothing about its dependencies."""
        return ORJSONResponse({"status": "ok"})

    return endpoint


def readyz(runtime: Runtime):  # type: ignore[no-untyped-def]
    heads = head_revisions()

    async def endpoint(request: Request) -> Response:
        """Ready when the database answers and its schema is at the migrations' head."""
        checks: dict[str, str] = {}
        try:
            async with asyncio.timeout(2):
                # Its own connection: requests holding the whole pool do not make it wait.
                async with runtime.probe_db.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
                current = await current_revisions(runtime.probe_db.engine)
            checks["database"] = "ok"
            checks["migrations"] = (
                "ok" if current == heads else f"at {sorted(current)}, heads are {sorted(heads)}"
            )
        except Exception as exc:
            if not (is_outage(exc) or isinstance(exc, TimeoutError)):
                raise
            checks["database"] = "unreachable"
        ready = all(v == "ok" for v in checks.values())
        return ORJSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
            headers=None if ready else {"Retry-After": "2"},
        )

    return endpoint


def metrics(runtime: Runtime):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request) -> Response:
        """The process's Prometheus metrics, for those who run it (`metrics/scrape`: the RMO,
        and SREs granted in any BU; authz/PERMISSIONS.md)."""
        scope = runtime.authorizer.scope(request.state.actor, Action.SCRAPE, Resource.METRICS)
        if scope.empty:
            return error_response(
                403, "FORBIDDEN", "Reading metrics takes metrics/scrape (org admins and SREs)."
            )
        await runtime.metrics.dora.refresh(runtime)
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return endpoint
