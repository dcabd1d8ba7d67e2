"""`GET /deployments/{id}/verdict`: a deployment's health verdict for Argo Rollouts' web metric.

The id is the deployment's GraphQL global id (its raw UUID is still accepted, deprecated; anything
else is a 400 BAD_USER_INPUT); the caller needs `deployment/read` (an API token). The answer:

    {"status": "successful" | "running" | "failed",
     "verdict": "ADVANCE" | "HOLD" | "ROLL_BACK" | null,
     "reasons": ["Error rate 0.2% (limit 1%) is within its limit.", ...],
     "deploymentStatus": "IN_PROGRESS", "step": 1, "weight": 25,
     "dwellRemainingSeconds": 120}

`status` is `successful` when the newest analysis of the current step says ADVANCE (or the
deployment succeeded), `failed` when it says ROLL_BACK (or the deployment was rolled back),
and `running` otherwise (HOLD, or no report yet): Argo counts that as inconclusive, so the
template measures again (`interval`, `count`) and tolerates it (`inconclusiveLimit`); without
them Argo pauses the rollout at the first `running`. `dwellRemainingSeconds` is 0 once the
deployment has ended. The README's AnalysisTemplate (tests/api/test_argo_web_metric.py runs
Argo's assessment of it over this endpoint's answers):

    metrics:
      - name: signalbox
        interval: 1m
        count: 10
        successCondition: result == "successful"
        failureCondition: result == "failed"
        failureLimit: 0
        inconclusiveLimit: 9
        provider:
          web:
            url: "https://signalbox.example.com/deployments/{{args.deployment-id}}/verdict"
            headers: [{key: Authorization, value: "Bearer {{args.signalbox-token}}"}]
            jsonPath: "{$.status}"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.global_ids import from_id_or_uuid
from api.http import ORJSONResponse, error_response
from domain.kernel.errors import DomainError, NotFound, Unavailable
from domain.kernel.reader import Reader
from domain.pipelines import deployment_queries as q

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/deployments/{deployment_id}/verdict"


def _upper(value: object | None) -> str | None:
    return None if value is None else str(value).upper()


def argo_routes(runtime: Runtime) -> list[Route]:
    async def verdict(request: Request) -> Response:
        named = request.path_params["deployment_id"]
        try:
            deployment_id = from_id_or_uuid(named, "Deployment", "id")
        except DomainError as exc:
            return error_response(400, "BAD_USER_INPUT", exc.message)
        try:
            async with runtime.db.read_session() as session:
                reader = Reader(session, request.state.actor, runtime.authorizer)
                found = await q.current_verdict(reader, deployment_id, runtime.clock.now())
        except NotFound as exc:
            return error_response(404, "NOT_FOUND", exc.message)
        except Unavailable as exc:
            return error_response(503, "UNAVAILABLE", exc.message, {"Retry-After": "2"})
        dep = found.deployment
        return ORJSONResponse(
            {
                "status": str(found.status),
                "verdict": _upper(found.verdict),
                "reasons": found.reasons,
                "deploymentStatus": _upper(dep.status),
                "step": dep.current_step,
                "weight": dep.steps[dep.current_step]["weight"],
                "dwellRemainingSeconds": int(found.dwell_remaining.total_seconds()),
            },
            headers={"cache-control": "no-store"},
        )

    return [Route(PATH, verdict, methods=["GET"])]
