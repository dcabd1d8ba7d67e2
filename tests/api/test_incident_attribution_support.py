"""GraphQL documents and factories of the incident-attribution and post-mortem tests (issue 17).

Each test works on services of a team of its own (so no other test's changes are candidates),
and runs the housekeeping sweep's post-release step itself (`swept`): attribution happens when
the sweep next runs after an incident arrives.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from api.graphql.relay import from_global_id
from api.runtime import sweep_incidents
from domain.postrelease import incident_sweep
from tests.api.conftest import Api, unique
from tests.api.environments_support import environment
from tests.api.evidence_support import binary, cdevent

ERRORS = "errors { code field message }"
INCIDENT = "incidentReport { id version status severity detectedAt }"
REPORT = f"""mutation($i: IncidentReportInput!) {{ incidentReport(input: $i) {{ {INCIDENT} {ERRORS} }} }}"""
RESOLVE = f"""mutation($i: IncidentResolveInput!) {{ incidentResolve(input: $i) {{ {INCIDENT} {ERRORS} }} }}"""
RATE = (
    f"""mutation($i: IncidentRateInput!) {{ incidentRate(input: $i) {{ {INCIDENT} {ERRORS} }} }}"""
)
ATTRIBUTION_FIELDS = """id version status changeKind changeId changeAt changeSummary reason windowHours
  note decidedBy { username } incident { id }"""
ATTRIBUTION = (
    f"""query($id: ID!) {{ incidentAttribution(incidentId: $id) {{ {ATTRIBUTION_FIELDS} }} }}"""
)
CONFIRM = f"""mutation($i: IncidentAttributionConfirmInput!) {{ incidentAttributionConfirm(input: $i) {{
  incidentAttribution {{ {ATTRIBUTION_FIELDS} }} {ERRORS} }} }}"""
REATTRIBUTE = f"""mutation($i: IncidentAttributionReattributeInput!) {{
  incidentAttributionReattribute(input: $i) {{ incidentAttribution {{ {ATTRIBUTION_FIELDS} }} {ERRORS} }} }}"""
CHANGE = f"""mutation($i: ChangeReportCreateInput!) {{ changeReportCreate(input: $i) {{
  changeReport {{ id kind summary occurredAt environment {{ id }} }} {ERRORS} }} }}"""
PAYMENTS = {"x-signalbox-business-unit": "payments"}


def ago(api: Api, minutes: float) -> datetime:
    return api.runtime.clock.now() - timedelta(minutes=minutes)


def result(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body
    return next(iter(body["data"].values()))  # type: ignore[no-any-return]


async def swept(api: Api) -> incident_sweep.Swept:
    """The housekeeping sweep's post-release step, as the runtime runs it."""
    return await sweep_incidents(api.runtime.units)


async def service_key(api: Api, service: str) -> str:
    data = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { key } } }", {"id": service}
    )
    return data["node"]["key"]  # type: ignore[no-any-return]


async def production(api: Api, bu: str | None = None) -> dict[str, Any]:
    extra = {"businessUnitId": bu} if bu else {}
    return await environment(api, kind="PRODUCTION", name="Production", region="eu-west-1", **extra)


async def deployed(
    api: Api, service: str, env: dict[str, Any], at: datetime, artifact: str | None = None
) -> str:
    """A CD tool reports `service.deployed` to production at `at` (CDEvents); the report's id.
    `artifact`: the artifact id it reports (default: a fresh OCI purl)."""
    key = await service_key(api, service)
    stamp = at.isoformat().replace("+00:00", "Z")
    body = cdevent(
        "service.deployed",
        subject_id=key,
        content={
            "environment": {"id": env["key"]},
            "artifactId": artifact or f"pkg:oci/{key}@sha256%3A{uuid.uuid4().hex * 2}",
        },
        timestamp=stamp,
    )
    response = await api.http.post(
        "/cdevents",
        content=binary(body)[0],
        headers={**binary(body)[1], **PAYMENTS, "authorization": f"Bearer {api.token('ci')}"},
    )
    assert response.status_code in (200, 201, 202), response.text
    data = await api.ok(
        """query($s: ID!) { deploymentReports(filter: {serviceId: $s}, first: 50) {
          nodes { id occurredAt } } }""",
        {"s": service},
    )
    found = [n for n in data["deploymentReports"]["nodes"]]
    assert found, data
    return str(from_global_id(found[-1]["id"], "DeploymentReport"))


async def incident(
    api: Api, service: str, severity: str = "SEV2", *, as_user: str = "sre", **kw: Any
) -> dict[str, Any]:
    values = {"serviceId": service, "severity": severity, "incidentRef": unique("INC"), **kw}
    made = result(await api.gql(REPORT, {"i": values}, as_user=as_user))
    assert made["errors"] == [], made
    return made["incidentReport"]  # type: ignore[no-any-return]


async def attribution(api: Api, incident_id: str, as_user: str = "rmo") -> dict[str, Any] | None:
    data = await api.ok(ATTRIBUTION, {"id": incident_id}, as_user=as_user)
    return data["incidentAttribution"]  # type: ignore[no-any-return]


async def change_report(
    api: Api, service: str, at: datetime, *, as_user: str = "sre", **kw: Any
) -> dict[str, Any]:
    values = {
        "serviceId": service,
        "kind": "CONFIGURATION",
        "summary": "Connection pool size 50 -> 5",
        "occurredAt": at.isoformat(),
        **kw,
    }
    made = result(await api.gql(CHANGE, {"i": values}, as_user=as_user))
    assert made["errors"] == [], made
    return made["changeReport"]  # type: ignore[no-any-return]
