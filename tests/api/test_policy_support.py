"""Helpers of the policy-iteration tests: a BU of their own with people granted in it, a team,
a retrospective, and proposals moved through their lifecycle through GraphQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tests.api.conftest import Api, unique
from tests.api.evidence_support import binary, cdevent
from tests.api.governance_support import new_bu, services
from tests.api.test_incident_attribution_support import service_key

ERRORS = "errors { code field message ... on PolicyError { errorCode } }"
PROPOSAL_FIELDS = """id status version originKind originId targetKind scope tier key value
  rationale decisionReason appliedVersion appliedAt submittedAt decidedAt
  proposedBy { username } decidedBy { username } appliedBy { username }"""
RECORD = f"""mutation($i: RetrospectiveRecordInput!) {{ retrospectiveRecord(input: $i) {{
  retrospective {{ id title heldOn notes outcomes team {{ id }} businessUnit {{ id }} }} {ERRORS} }} }}"""
CREATE = f"""mutation($i: PolicyProposalCreateInput!) {{ policyProposalCreate(input: $i) {{
  policyProposal {{ {PROPOSAL_FIELDS} }} {ERRORS} }} }}"""


def move_mutation(verb: str, input_type: str) -> str:
    name = f"policyProposal{verb}"
    return f"""mutation($i: {input_type}!) {{ {name}(input: $i) {{
  policyProposal {{ {PROPOSAL_FIELDS} }} {ERRORS} }} }}"""


SUBMIT = move_mutation("Submit", "PolicyProposalMoveInput")
APPROVE = move_mutation("Approve", "PolicyProposalDecideInput")
REJECT = move_mutation("Reject", "PolicyProposalDecideInput")
APPLY = move_mutation("Apply", "PolicyProposalMoveInput")


def payload(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body
    return next(iter(body["data"].values()))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class World:
    bu: str
    team: str
    services: list[str]
    engineer: str
    admin: str


async def grant(api: Api, bu: str, role: str) -> str:
    """A new person holding `role` in `bu` (a global id); their username."""
    username = unique(role.lower())
    made = await api.ok(
        "mutation($i: PersonCreateInput!) { personCreate(input: $i) { person { id } errors { code } } }",
        {"i": {"username": username, "displayName": username}},
    )
    await api.ok(
        "mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) { errors { code } } }",
        {
            "i": {
                "personId": made["personCreate"]["person"]["id"],
                "role": role,
                "businessUnitId": bu,
            }
        },
    )
    return username


async def world(api: Api, count: int = 1) -> World:
    """A new BU with a team of `count` services, an engineer and a BU admin of its own."""
    bu = await new_bu(api)
    made = await services(api, bu, count)
    data = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }", {"id": made[0]}
    )
    engineer = await grant(api, bu, "ENGINEER")
    admin = await grant(api, bu, "BU_ADMIN")
    return World(bu, data["node"]["team"]["id"], made, engineer, admin)


async def retrospective(api: Api, team: str, *, as_user: str = "rmo", **kw: Any) -> dict[str, Any]:
    held = (api.runtime.clock.now() - timedelta(days=1)).date().isoformat()
    values = {
        "teamId": team,
        "heldOn": held,
        "title": "Sprint 42 retrospective",
        "notes": "Incidents of this BU surface a day or more after the change.",
        "outcomes": "Widen the incident attribution window to 48 hours.",
        **kw,
    }
    made = payload(await api.gql(RECORD, {"i": values}, as_user=as_user))
    assert made["errors"] == [], made
    return made["retrospective"]  # type: ignore[no-any-return]


def proposal_input(origin: str, **kw: Any) -> dict[str, Any]:
    return {
        "originKind": "RETROSPECTIVE",
        "originId": origin,
        "targetKind": "GUARDRAIL",
        "scope": "BUSINESS_UNIT",
        "key": "incident_attribution_window_hours",
        "value": 48,
        "rationale": "Our incidents surface late: changes a day old still cause them.",
        **kw,
    }


async def proposed(api: Api, origin: str, *, as_user: str = "rmo", **kw: Any) -> dict[str, Any]:
    made = payload(await api.gql(CREATE, {"i": proposal_input(origin, **kw)}, as_user=as_user))
    assert made["errors"] == [], made
    return made["policyProposal"]  # type: ignore[no-any-return]


async def moved(
    api: Api, mutation: str, proposal: dict[str, Any], *, as_user: str = "rmo", **kw: Any
) -> dict[str, Any]:
    values = {"id": proposal["id"], "version": proposal["version"], **kw}
    made = payload(await api.gql(mutation, {"i": values}, as_user=as_user))
    assert made["errors"] == [], made
    return made["policyProposal"]  # type: ignore[no-any-return]


async def submitted(api: Api, origin: str, *, as_user: str = "rmo", **kw: Any) -> dict[str, Any]:
    return await moved(
        api, SUBMIT, await proposed(api, origin, as_user=as_user, **kw), as_user=as_user
    )


async def deployed_in(api: Api, w: World, env: dict[str, Any], at: datetime) -> None:
    """A CD tool of the world's BU (a CI person granted there) reports `service.deployed` of its
    first service to `env` at `at` (CDEvents)."""
    bu = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on BusinessUnit { key } } }", {"id": w.bu}
    )
    ci = await grant(api, w.bu, "CI")
    key = await service_key(api, w.services[0])
    body = cdevent(
        "service.deployed",
        subject_id=key,
        content={
            "environment": {"id": env["key"]},
            "artifactId": f"pkg:oci/{key}@sha256%3A{uuid.uuid4().hex * 2}",
        },
        timestamp=at.isoformat().replace("+00:00", "Z"),
    )
    content, headers = binary(body)
    response = await api.http.post(
        "/cdevents",
        content=content,
        headers={
            **headers,
            "x-signalbox-business-unit": bu["node"]["key"],
            "authorization": f"Bearer {api.token(ci)}",
        },
    )
    assert response.status_code in (200, 201, 202), response.text
