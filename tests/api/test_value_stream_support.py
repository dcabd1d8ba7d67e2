"""Helpers of the value-stream tests (no tests here): a change shipped to production through
Signalbox on a clock the test moves, so each step's time is known: submitted, built and tested
an hour later, staged an hour after that, approved after `approval_wait`, deployed half an hour
after approval."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from domain.kernel.clock import FixedClock
from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.evidence_support import Ingress, cdevent, structured
from tests.api.promotion_support import signed_and_approved
from tests.api.test_defect_support import iso
from tests.api.test_promotion_decision import APPROVE, REQUEST, ask, scan, world

H = timedelta(hours=1)
STEPS = """steps { step hasData workSeconds waitSeconds waits { kind seconds } }"""
STREAM = f"""query($d: ID!) {{ valueStream(deploymentId: $d) {{
  deploymentId serviceKey releaseTitle leadTimeSeconds measuredFrom {STEPS}
  waste {{ kind step evidence lostSeconds }} }} }}"""
SUMMARY = """query($t: ID, $b: ID, $since: DateTime, $until: DateTime, $first: Int) {
  valueStreamSummary(teamId: $t, businessUnitId: $b, since: $since, until: $until) {
    changeCount slowestSteps truncated
    steps { step changes noData workMedianSeconds waitMedianSeconds waitP75Seconds
      waitByKind { kind seconds } }
    wasteCounts { kind count }
    changes(first: $first) { nodes { deploymentId releaseTitle waste { kind evidence } }
      pageInfo { hasNextPage endCursor } } } }"""


def clock_of(api: Api) -> FixedClock:
    clock = api.runtime.clock
    assert isinstance(clock, FixedClock)
    return clock


async def deployed_to(api: Api, w: dict[str, Any], env_key: str, **custom: str) -> None:
    """The CD tool reports the world's artifact deployed to the environment, now."""
    body = cdevent(
        "service.deployed",
        subject_id=w["serviceKey"],
        content={
            "environment": {"id": env_key},
            "artifactId": f"pkg:oci/{w['serviceKey']}@{w['digest'].replace(':', '%3A')}",
        },
        timestamp=iso(clock_of(api).now()),
    )
    body["customData"] = {"version": w["version"], **custom}
    response = await Ingress(api, api.http).post(
        structured(body), **{"x-signalbox-business-unit": "payments"}
    )
    assert response.status_code == 202, response.text


async def approve(api: Api, w: dict[str, Any], approvers: tuple[str, ...]) -> dict[str, Any]:
    """The release's sign-offs and approval, then its production promotion, allowed."""
    await signed_and_approved(api, w)
    promotion = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"][
        "promotion"
    ]
    for approver in approvers:
        done = await api.ok(
            APPROVE,
            {"i": {"id": promotion["id"], "version": promotion["version"]}},
            as_user=approver,
        )
        assert done["promotionApprove"]["errors"] == [], done
        promotion = done["promotionApprove"]["promotion"]
    assert promotion["status"] == "ALLOWED", promotion
    return promotion


async def shipped(
    api: Api,
    approval_wait: timedelta,
    approvers: tuple[str, ...] = ("eng-approver", "payments-admin"),
    before: Callable[[dict[str, Any]], Awaitable[Any]] | None = None,
) -> dict[str, Any]:
    """A change through every step (see the module); returns its world with its team's id.
    `before` runs on the world first (e.g. CI reporting the version's commits)."""
    clock = clock_of(api)
    w = await world(api)
    if before is not None:
        await before(w)
    staging = await environment(api, kind="STAGING", region="eu-west-1", name="Staging")
    clock.advance(H)
    await scan(api, w, critical=0)
    clock.advance(H)
    await deployed_to(api, w, staging["key"])
    clock.advance(approval_wait)
    promotion = await approve(api, w, approvers)
    clock.advance(H / 2)
    await deployed_to(api, w, w["env"]["key"], promotionId=promotion["id"])
    clock.advance(timedelta(minutes=1))  # the default period ends now, exclusive
    team = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }", {"id": w["service"]}
    )
    return {**w, "team": team["node"]["team"]["id"]}


async def summary_of(api: Api, team: str, as_user: str = "rmo", **kw: Any) -> dict[str, Any]:
    body = await api.gql(SUMMARY, {"t": team, **kw}, as_user=as_user)
    assert not body.get("errors"), body
    return body["data"]["valueStreamSummary"]  # type: ignore[no-any-return]
