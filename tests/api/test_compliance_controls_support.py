"""Helpers of the compliance-controls API tests: GraphQL documents and small factories.

Releases here are HOTFIXes of the payments BU owned by the release manager, shipping a new
internal service (max_bypass_hours 24 from the core set); bypasses are requested by the
engineer and approved by the approver unless a test says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.governance_support import payload, release, services

ERR = "errors { code field message }"
BYPASS = f"""bypass {{ id state gates version durationHours approvedAt expiresAt
  requestedBy {{ username }} decidedBy {{ username }}
  review {{ id version dueAt overdue completedAt outcome }}
  uses {{ gate usedBy environment {{ id }} }} }} {ERR}"""
REQUEST = f"mutation($i: BypassRequestInput!) {{ bypassRequest(input: $i) {{ {BYPASS} }} }}"
APPROVE = f"mutation($i: BypassDecideInput!) {{ bypassApprove(input: $i) {{ {BYPASS} }} }}"
REJECT = f"mutation($i: BypassDecideInput!) {{ bypassReject(input: $i) {{ {BYPASS} }} }}"
REVOKE = f"mutation($i: BypassRevokeInput!) {{ bypassRevoke(input: $i) {{ {BYPASS} }} }}"
USE = f"""mutation($i: BypassUseInput!) {{ bypassUse(input: $i) {{
  use {{ gate usedBy note person {{ username }} }} {ERR} }} }}"""
REVIEW = f"""mutation($i: BypassReviewCompleteInput!) {{ bypassReviewComplete(input: $i) {{
  bypassReview {{ id outcome findings actionItems completedAt overdue reviewer {{ username }}
    bypass {{ id }} }} {ERR} }} }}"""
PROCEDURE = f"""drProcedure {{ id kind title version status runbookUrl rtoMinutes
  owner {{ username }} ownerTeam {{ id }} service {{ id }} }} {ERR}"""
PROC_CREATE = (
    f"mutation($i: DrProcedureCreateInput!) {{ drProcedureCreate(input: $i) {{ {PROCEDURE} }} }}"
)
PROC_UPDATE = (
    f"mutation($i: DrProcedureUpdateInput!) {{ drProcedureUpdate(input: $i) {{ {PROCEDURE} }} }}"
)
PROC_RETIRE = (
    f"mutation($i: DrProcedureRetireInput!) {{ drProcedureRetire(input: $i) {{ {PROCEDURE} }} }}"
)
TEST_RECORD = f"""mutation($i: DrTestRecordInput!) {{ drTestRecord(input: $i) {{
  drTest {{ id result performedAt durationMinutes recordedBy {{ username }}
    procedure {{ id }} }} {ERR} }} }}"""
STATUS = """query($s: ID!) { drStatus(serviceId: $s) { gate status reason evidence
  service { id } procedures { id kind lastPassedTest { id } } } }"""


async def team_of(api: Api, service_id: str) -> str:
    data = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }", {"id": service_id}
    )
    return data["node"]["team"]["id"]  # type: ignore[no-any-return]


async def hotfix(api: Api, **kw: Any) -> dict[str, Any]:
    return await release(api, releaseType="HOTFIX", **kw)


async def target(api: Api) -> dict[str, Any]:
    return await environment(api)


async def requested(
    api: Api, rel: dict[str, Any] | None = None, env: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    """A pending bypass (by the engineer unless `as_user` says otherwise); returns its payload."""
    as_user = kw.pop("as_user", "engineer")
    values: dict[str, Any] = {
        "releaseId": (rel or await hotfix(api))["id"],
        "environmentId": (env or await target(api))["id"],
        "gates": ["FREEZE", "TEST_COVERAGE"],
        "justification": "Card payments fail for some customers; this fix cannot wait.",
        "incidentReference": "INC-4711",
        "durationHours": 4,
    }
    values.update(kw)
    return payload(await api.gql(REQUEST, {"i": values}, as_user=as_user))


async def approved(
    api: Api, *, requester: str = "engineer", approver: str = "approver"
) -> dict[str, Any]:
    env = await target(api)
    made = await requested(api, env=env, as_user=requester)
    assert made["errors"] == [], made
    bypass = made["bypass"]
    body = await api.gql(
        APPROVE, {"i": {"id": bypass["id"], "version": bypass["version"]}}, as_user=approver
    )
    done = payload(body)
    assert done["errors"] == [], done
    return {**done["bypass"], "env": env["id"]}


async def procedure(api: Api, **kw: Any) -> dict[str, Any]:
    service = kw.pop("service", None) or (await services(api, "payments"))[0]
    values: dict[str, Any] = {
        "serviceId": service,
        "kind": "SERVICE_REVERSION",
        "title": "Roll back the deployment",
        "runbookUrl": "https://runbooks.example/rollback",
        "ownerTeamId": await team_of(api, service),
    }
    values.update(kw)
    made = payload(await api.gql(PROC_CREATE, {"i": values}))
    assert made["errors"] == [], made
    return made["drProcedure"]  # type: ignore[no-any-return]


def iso(t: datetime) -> str:
    return t.isoformat()
