"""`POST /alertmanager/webhook`: Prometheus Alertmanager's webhook, as a rollback trigger.

Firing alerts roll back the deployments under way that they concern (see
domain/pipelines/alerts.py for the labels: `signalbox_deployment`, or `service` and optionally
`environment`). The caller is an API token needing `deployment/update` in the deployments' BUs;
the decision is recorded as the token's person. Redeliveries and repeated groups change nothing.

Alertmanager configuration:

    receivers:
      - name: signalbox
        webhook_configs:
          - url: https://signalbox.example.com/alertmanager/webhook
            send_resolved: false
            max_alerts: 100
            http_config:
              authorization:
                type: Bearer
                credentials_file: /etc/alertmanager/signalbox-token

Answers: 200 with what happened to each alert (`deploymentId` is the deployment's global id, as
GraphQL gives it; the `signalbox_deployment` label takes it, or the raw UUID); 400 for a body
that is not an Alertmanager webhook (version "4"), naming the first problem; 403 without
`deployment/update` anywhere; 413 past the body limit; 503 when the database is unavailable
(Alertmanager retries 5xx).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.writes import write
from api.global_ids import to_global_id
from api.http import BodyTooLarge, ORJSONResponse, error_response, read_body
from api.text_input import first_unstorable, refusal_message
from domain.pipelines.alerts import AlertResult, Handled, handle_alerts
from domain.pipelines.deployment_commands import FiringAlert

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/alertmanager/webhook"
MAX_ALERTS = 1000


class _Alert(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: AwareDatetime
    fingerprint: str = Field(min_length=1, max_length=64)


class _Webhook(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: Literal["4"]
    status: Literal["firing", "resolved"]
    alerts: list[_Alert] = Field(max_length=MAX_ALERTS)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f"Not an Alertmanager webhook (version 4): {where}: {first['msg']}."


def parse(body: bytes) -> list[FiringAlert]:
    """The alerts of an Alertmanager webhook body; ValueError naming the first problem."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValueError("The body is not JSON.") from None
    if (where := first_unstorable(data, "")) is not None:
        raise ValueError(refusal_message(where))
    try:
        hook = _Webhook.model_validate(data)
    except ValidationError as exc:
        raise ValueError(_problem(exc)) from None
    return [
        FiringAlert(
            name=a.labels.get("alertname", "unnamed"),
            status=a.status,
            fingerprint=a.fingerprint,
            starts_at=a.startsAt,
            labels=a.labels,
            annotations=a.annotations,
        )
        for a in hook.alerts
    ]


def _answer(results: list[AlertResult]) -> Response:
    return ORJSONResponse(
        {
            "rolledBack": sum(r.outcome == Handled.ROLLED_BACK for r in results),
            "results": [
                {
                    "alert": r.alert,
                    "fingerprint": r.fingerprint,
                    "outcome": str(r.outcome),
                    "deploymentId": to_global_id("Deployment", r.deployment_id)
                    if r.deployment_id
                    else None,
                }
                for r in results
            ],
        }
    )


def alertmanager_routes(runtime: Runtime) -> list[Route]:
    async def receive(request: Request) -> Response:
        try:
            body = await read_body(request, runtime.settings.max_body_bytes)
        except BodyTooLarge:
            return error_response(413, "PAYLOAD_TOO_LARGE", "The webhook body is too large.")
        try:
            alerts = parse(body)
        except ValueError as exc:
            return error_response(400, "BAD_USER_INPUT", str(exc))
        # A concurrent delivery of the same alert that wins the race answers 503: a retry
        # finds it handled.
        return await write(runtime, request, lambda uow: handle_alerts(uow, alerts), _answer)

    return [Route(PATH, receive, methods=["POST"])]
