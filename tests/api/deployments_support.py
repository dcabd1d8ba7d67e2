"""Helpers of the deployments API tests: GraphQL documents and small factories."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import Api, ids
from tests.api.environments_support import environment

DEPLOYMENT_FIELDS = """id status currentStep version strategy artifactVersion
  steps { index kind weight dwellMinutes }"""
CREATE = f"""
mutation($i: DeploymentCreateInput!) {{ deploymentCreate(input: $i) {{
  deployment {{ {DEPLOYMENT_FIELDS} }} errors {{ code field }} }} }}"""
START = f"""
mutation($i: DeploymentVersionInput!) {{ deploymentStart(input: $i) {{
  deployment {{ {DEPLOYMENT_FIELDS} }} errors {{ code field }} }} }}"""
ADVANCE = f"""
mutation($i: DeploymentVersionInput!) {{ deploymentAdvance(input: $i) {{
  deployment {{ {DEPLOYMENT_FIELDS} }} errors {{ code field }} }} }}"""
REPORT = f"""
mutation($i: DeploymentHealthReportInput!) {{ deploymentHealthReport(input: $i) {{
  deployment {{ {DEPLOYMENT_FIELDS} }}
  healthReport {{ verdict reasons checks {{ check status }} }}
  rollback {{ trigger reason }}
  errors {{ code field }} }} }}"""
ROLL_BACK = f"""
mutation($i: DeploymentRollBackInput!) {{ deploymentRollBack(input: $i) {{
  deployment {{ {DEPLOYMENT_FIELDS} }}
  rollback {{ trigger reason decidedByUsername decidedBy {{ username }} }}
  errors {{ code field }} }} }}"""
SUBSCRIBE = """
mutation($i: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $i) {
  webhookSubscription { id url topics secretHint version } secret errors { code field } } }"""
HEALTHY = {"errorRate": 0.001, "latencyP99Ms": 180, "saturation": 0.3}
BASELINE = {"errorRate": 0.001, "latencyP99Ms": 175, "saturation": 0.3}


def webhook_payload(
    labels: dict[str, str], *, fingerprint: str | None = None, status: str = "firing"
) -> dict[str, Any]:
    """An Alertmanager webhook body (version 4) with one alert."""
    starts = datetime(2026, 11, 27, 8, 0, tzinfo=UTC).isoformat().replace("+00:00", "Z")
    return {
        "version": "4",
        "groupKey": '{}:{alertname="HighErrorRate"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "signalbox",
        "groupLabels": {"alertname": "HighErrorRate"},
        "commonLabels": labels,
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "HighErrorRate", **labels},
                "annotations": {"summary": "5xx above 5% for 2 minutes"},
                "startsAt": starts,
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus:9090/graph",
                "fingerprint": fingerprint or uuid.uuid4().hex[:16],
            }
        ],
    }


async def service(api: Api, key: str = "card-gateway") -> dict[str, Any]:
    payments = (await ids(api))["payments"]
    data = await api.ok(
        "query($b: ID!) { services(filter: {businessUnitId: $b}, first: 100) { nodes { id key } } }",
        {"b": payments},
    )
    return next(n for n in data["services"]["nodes"] if n["key"] == key)


async def plan(api: Api, as_user: str = "engineer", **kw: Any) -> dict[str, Any]:
    """A canary of card-gateway to a fresh production environment of payments."""
    env = await environment(api, kind="PRODUCTION", region="eu-west-1")
    values: dict[str, Any] = {
        "serviceId": (await service(api))["id"],
        "environmentId": env["id"],
        "artifactVersion": "2.3.0",
        "strategy": "CANARY",
        "canarySteps": [
            {"weight": 10, "dwellMinutes": 0},
            {"weight": 50, "dwellMinutes": 0},
            {"weight": 100, "dwellMinutes": 0},
        ],
    }
    values.update(kw)
    data = await api.ok(CREATE, {"i": values}, as_user=as_user)
    return {**data["deploymentCreate"]["deployment"], "environment": env}


async def started(api: Api, **kw: Any) -> dict[str, Any]:
    dep = await plan(api, **kw)
    data = await api.ok(START, {"i": {"id": dep["id"], "version": dep["version"]}}, as_user="ci")
    return {**data["deploymentStart"]["deployment"], "environment": dep["environment"]}


async def report(api: Api, dep: dict[str, Any], metrics: dict[str, Any] = HEALTHY) -> Any:
    data = await api.ok(
        REPORT,
        {
            "i": {
                "deploymentId": dep["id"],
                "stepIndex": dep["currentStep"],
                "metrics": metrics,
                "baseline": BASELINE,
            }
        },
        as_user="ci",
    )
    return data["deploymentHealthReport"]


def soon(api: Api, minutes: int = 0) -> datetime:
    return api.runtime.clock.now() + timedelta(minutes=minutes)
