"""Helpers of the defect tests (no tests here): a BU of its own with services and a production
environment, production deployments and incidents reported by CDEvents, defects recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, unique
from tests.api.environments_support import environment
from tests.api.evidence_support import cdevent, structured
from tests.api.governance_support import services

DEFECT_FIELDS = """id title component changeType rootCause escapedLayer severity sourceKind
  sourceId foundAt version service { id } incident { description }"""
RECORD = f"""
mutation($i: DefectRecordInput!) {{ defectRecord(input: $i) {{
  defect {{ {DEFECT_FIELDS} }} errors {{ code field ... on DefectError {{ errorCode }} }} }} }}"""
RECLASSIFY = f"""
mutation($i: DefectReclassifyInput!) {{ defectReclassify(input: $i) {{
  defect {{ {DEFECT_FIELDS} }} errors {{ code field }} }} }}"""
DEFECTS_OF = """query($s: ID!) { defects(filter: {serviceId: $s}, first: 100) {
  nodes { id title rootCause version } } }"""
PATTERNS = """query($b: ID!) { defectPatterns(businessUnitId: $b) {
  kind subject label itemType priority labels components defectCount rate previousRate
  defects { id } } }"""


@dataclass
class World:
    bu: str
    bu_key: str
    services: list[str]
    keys: list[str]
    production: str

    @property
    def bu_uuid(self) -> str:
        return str(from_global_id(self.bu))


async def world(api: Api, count: int = 2) -> World:
    """A new BU (its own patterns, nobody else's), its services and a production environment."""
    key = unique("dbu")
    made = await api.ok(
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) {"
        " businessUnit { id } errors { code } } }",
        {"i": {"key": key, "name": "Defect patterns"}},
    )
    bu = made["businessUnitCreate"]["businessUnit"]["id"]
    made_services = await services(api, bu, count)
    keys = [
        (await api.ok("query($id: ID!) { node(id: $id) { ... on Service { key } } }", {"id": s}))[
            "node"
        ]["key"]
        for s in made_services
    ]
    env = await environment(
        api, kind="PRODUCTION", businessUnitId=bu, name="Production", region="us-east-1"
    )
    return World(bu, key, made_services, keys, env["key"])


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def deploy(api: Api, w: World, service: int, at: datetime) -> None:
    """A production deployment of the service, reported at `at` by CDEvents."""
    body = cdevent(
        "service.deployed",
        subject_id=w.keys[service],
        content={
            "environment": {"id": w.production},
            "artifactId": f"pkg:oci/{w.keys[service]}@sha256%3A" + "b" * 64,
        },
        timestamp=iso(at),
    )
    await _post(api, w, body)


async def incident(api: Api, w: World, service: int, description: str, at: datetime) -> str:
    """An incident of the service detected at `at`; its global id."""
    body = cdevent(
        "incident.detected",
        subject_id=unique("INC"),
        content={
            "environment": {"id": w.production},
            "service": {"id": w.keys[service]},
            "description": description,
        },
        timestamp=iso(at),
    )
    await _post(api, w, body)
    data = await api.ok(
        "query($b: ID!) { incidentReports(filter: {businessUnitId: $b}, first: 100) {"
        " nodes { id description } } }",
        {"b": w.bu},
    )
    return next(
        n["id"] for n in data["incidentReports"]["nodes"] if n["description"] == description
    )


async def _post(api: Api, w: World, body: dict[str, Any]) -> None:
    content, headers = structured(body)
    response = await api.http.post(
        "/cdevents",
        content=content,
        headers={
            **headers,
            "authorization": f"Bearer {api.token('rmo')}",
            "x-signalbox-business-unit": w.bu_key,
        },
    )
    assert response.status_code == 202, response.text


def defect_input(service: str, **kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "serviceId": service,
        "title": "Refund double-counted",
        "component": "refunds",
        "changeType": "PAYMENT_LOGIC",
        "rootCause": "CODE",
        "escapedTestLayer": "UNIT",
        "severity": "MEDIUM",
    }
    values.update(kw)
    return values


async def record(api: Api, service: str, as_user: str = "rmo", **kw: Any) -> dict[str, Any]:
    data = await api.ok(RECORD, {"i": defect_input(service, **kw)}, as_user=as_user)
    return data["defectRecord"]["defect"]  # type: ignore[no-any-return]


async def refused(api: Api, service: str, **kw: Any) -> list[dict[str, Any]]:
    body = await api.gql(RECORD, {"i": defect_input(service, **kw)})
    assert "errors" not in body, body
    assert body["data"]["defectRecord"]["defect"] is None
    return body["data"]["defectRecord"]["errors"]  # type: ignore[no-any-return]


async def defects_of(api: Api, service: str) -> list[dict[str, Any]]:
    data = await api.ok(DEFECTS_OF, {"s": service})
    return data["defects"]["nodes"]  # type: ignore[no-any-return]


def ago(api: Api, **kw: float) -> datetime:
    return api.runtime.clock.now() - timedelta(**kw)
