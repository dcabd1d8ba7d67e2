"""Every role against every mutation and query of incidents, their attribution, change reports
and post-mortems (issue 17), per authz/PERMISSIONS.md.

The demo users hold their roles in payments (rmo and auditor org-wide). Each case works on a
fresh payments service of a team of its own: its incident is attributed by the sweep to a
configuration change made ten minutes before, and its SEV1 opens a post-mortem; completion is
tried on one whose action item (a test case) is verified by passing test evidence.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, unique
from tests.api.governance_support import services
from tests.api.test_incident_attribution_support import (
    ago,
    attribution,
    change_report,
    incident,
    result,
    swept,
)
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_post_mortem_api import ACTION_ADD, IMPACT, VERIFY, post_mortem_of

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]
TEST_RUN = """mutation($i: EvidenceTestRunInput!) { evidenceTestRunReport(input: $i) { errors { code } } }"""


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


async def _service(api: Api) -> dict[str, Any]:
    [service] = await services(api, "payments")
    return {"service": service}


async def _incident(api: Api) -> dict[str, Any]:
    ctx = await _service(api)
    return {**ctx, "incident": await incident(api, ctx["service"], "SEV3", as_user="rmo")}


async def _attributed(api: Api) -> dict[str, Any]:
    ctx = await _service(api)
    early = await change_report(api, ctx["service"], ago(api, 30), as_user="rmo")
    await change_report(api, ctx["service"], ago(api, 10), as_user="rmo")
    inc = await incident(api, ctx["service"], "SEV1", as_user="rmo")
    await swept(api)
    found = await attribution(api, inc["id"])
    assert found is not None and found["changeKind"] == "CONFIGURATION"
    return {**ctx, "incident": inc, "attribution": found, "early": early}


async def _post_mortem(api: Api) -> dict[str, Any]:
    ctx = await _attributed(api)
    pm = await post_mortem_of(api, ctx["incident"]["id"])
    assert pm is not None
    return {**ctx, "pm": pm}


async def _completable(api: Api) -> dict[str, Any]:
    """A post-mortem with its impact said and its one item (a test case) verified done."""
    ctx = await _post_mortem(api)
    suite = unique("rollback-suite")
    pm = result(
        await api.gql(
            ACTION_ADD,
            {
                "i": {
                    "id": ctx["pm"]["id"],
                    "version": ctx["pm"]["version"],
                    "title": "A test of the rollback",
                    "targetKind": "TEST_CASE",
                    "testName": suite,
                }
            },
        )
    )["postMortem"]
    artifact = {
        "serviceId": ctx["service"],
        "name": "checkout",
        "version": "1.0.0",
        "digest": "sha256:" + uuid.uuid4().hex * 2,
    }
    run = {"artifact": artifact, "suite": suite, "passed": 12, "failed": 0}
    assert result(await api.gql(TEST_RUN, {"i": run}, as_user="ci"))["errors"] == []
    pm = result(await api.gql(VERIFY, {"i": {"id": pm["id"]}}))["postMortem"]
    assert pm["actionItems"][0]["status"] == "DONE", pm
    impact = {"id": pm["id"], "version": pm["version"], "impact": "Checkout failed."}
    pm = result(await api.gql(IMPACT, {"i": impact}))["postMortem"]
    return {**ctx, "pm": pm}


def _pm(c: dict[str, Any]) -> dict[str, Any]:
    return {"id": c["pm"]["id"], "version": c["pm"]["version"]}


def _incident_version(c: dict[str, Any]) -> dict[str, Any]:
    return {"id": c["incident"]["id"], "version": c["incident"]["version"]}


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "incidentReport",
        "incident",
        "create",
        _service,
        _m("incidentReport", "IncidentReportInput"),
        lambda c: {"serviceId": c["service"], "severity": "SEV2", "incidentRef": unique("I")},
    ),
    (
        "incidentRate",
        "incident",
        "update",
        _incident,
        _m("incidentRate", "IncidentRateInput"),
        lambda c: {**_incident_version(c), "severity": "SEV1"},
    ),
    (
        "incidentResolve",
        "incident",
        "update",
        _incident,
        _m("incidentResolve", "IncidentResolveInput"),
        _incident_version,
    ),
    (
        "changeReportCreate",
        "change_report",
        "create",
        _service,
        _m("changeReportCreate", "ChangeReportCreateInput"),
        lambda c: {"serviceId": c["service"], "kind": "CONFIGURATION", "summary": "TTL 60 -> 5"},
    ),
    (
        "incidentAttributionConfirm",
        "incident_attribution",
        "update",
        _attributed,
        _m("incidentAttributionConfirm", "IncidentAttributionConfirmInput"),
        lambda c: {"incidentId": c["incident"]["id"], "version": c["attribution"]["version"]},
    ),
    (
        "incidentAttributionReattribute",
        "incident_attribution",
        "update",
        _attributed,
        _m("incidentAttributionReattribute", "IncidentAttributionReattributeInput"),
        lambda c: {
            "incidentId": c["incident"]["id"],
            "version": c["attribution"]["version"],
            "reason": "The earlier change",
            "changeKind": "CONFIGURATION",
            "changeId": str(from_global_id(c["early"]["id"], "ChangeReport")),
        },
    ),
    (
        "postMortemUpdate",
        "post_mortem",
        "update",
        _post_mortem,
        _m("postMortemUpdate", "PostMortemUpdateInput"),
        lambda c: {**_pm(c), "title": "Pool exhaustion"},
    ),
    (
        "postMortemImpactSet",
        "post_mortem",
        "update",
        _post_mortem,
        _m("postMortemImpactSet", "PostMortemImpactSetInput"),
        lambda c: {**_pm(c), "impact": "Checkout failed for 12 minutes."},
    ),
    (
        "postMortemFactorAdd",
        "post_mortem",
        "update",
        _post_mortem,
        _m("postMortemFactorAdd", "PostMortemFactorAddInput"),
        lambda c: {**_pm(c), "category": "TESTING_GAP", "description": "No load test"},
    ),
    (
        "postMortemActionItemAdd",
        "post_mortem",
        "update",
        _post_mortem,
        _m("postMortemActionItemAdd", "PostMortemActionItemAddInput"),
        lambda c: {**_pm(c), "title": "T", "targetKind": "TEST_CASE", "testName": "t"},
    ),
    (
        "postMortemVerify",
        "post_mortem",
        "update",
        _post_mortem,
        _m("postMortemVerify", "PostMortemVerifyInput"),
        lambda c: {"id": c["pm"]["id"]},
    ),
    (
        "postMortemComplete",
        "post_mortem",
        "update",
        _completable,
        _m("postMortemComplete", "PostMortemRefInput"),
        _pm,
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_the_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


READ = """query($id: ID!) { incidentAttribution(incidentId: $id) { id }
  postMortemOfIncident(incidentId: $id) { id } }"""


@pytest.mark.parametrize("role", list(USERS))
async def test_the_queries_show_data_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _post_mortem(api)
    body = await api.gql(READ, {"id": ctx["incident"]["id"]}, as_user=USERS[role])
    assert not body.get("errors"), body
    data = body["data"]
    assert bool(data["incidentAttribution"]) is expected(
        role, "incident_attribution", "read", org_level=False
    )
    assert bool(data["postMortemOfIncident"]) is expected(
        role, "post_mortem", "read", org_level=False
    )
    reports = await api.gql(
        "query($s: ID) { changeReports(filter: {serviceId: $s}) { nodes { id } } }",
        {"s": ctx["service"]},
        as_user=USERS[role],
    )
    assert bool(reports["data"]["changeReports"]["nodes"]) is expected(
        role, "change_report", "read", org_level=False
    )
