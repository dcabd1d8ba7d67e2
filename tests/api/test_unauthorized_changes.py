"""Production only through an allowed promotion, as the RMO and an auditor see it.

A production deployment that no allowed promotion covers is an unauthorized change: in the
review queue, on the calendar and its release, counted in the evidence pack, alerted through
the outbox when the guardrail says so, reviewed by someone other than its deployer. With the
allowed promotion it is linked instead, the release can be completed, and the CD tool's
service.deployed marks the promotion promoted.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from api.graphql.relay import from_global_id, to_global_id
from tests.api.conftest import Api
from tests.api.deployments_support import plan, webhook_payload
from tests.api.environments_support import environment
from tests.api.evidence_support import Ingress, cdevent, ingress, structured
from tests.api.governance_support import move, submitted
from tests.api.promotion_support import allowed_promotion
from tests.api.test_alertmanager_webhook import post
from tests.api.test_governance_permissions import WINDOW
from tests.api.test_guardrails_api import CORE_UPDATE, core_version
from tests.api.test_promotion_decision import world
from tests.api.unauthorized_support import (
    CREATE,
    RELEASE_CHANGES,
    REVIEW,
    deployment,
    open_changes,
)

__all__ = ["ingress"]

OUTBOX = """query($k: String) { outboxMessages(filter: {keyPrefix: $k}, first: 10) {
  nodes { topic key } } }"""
CALENDAR = """query($i: CalendarInput!) { calendar(input: $i) {
  unauthorizedChanges { id status service { key } } } }"""
PACK = """mutation($i: ReleaseEvidencePackExportInput!) {
  releaseEvidencePackExport(input: $i) { pack errors { code } } }"""


async def change_of(api: Api, deployment_id: str) -> dict[str, Any]:
    (found,) = [
        c for c in await open_changes(api) if (c["deployment"] or {}).get("id") == deployment_id
    ]
    return found


async def alerts_of(api: Api, change: dict[str, Any]) -> list[dict[str, Any]]:
    key = f"unauthorized_change.detected:{from_global_id(change['id'])}"
    return (await api.ok(OUTBOX, {"k": key}))["outboxMessages"]["nodes"]  # type: ignore[no-any-return]


async def deployed(ingress: Ingress, w: dict[str, Any], **custom: str) -> None:
    """The CD tool reports the world's artifact deployed to its production environment."""
    body = cdevent(
        "service.deployed",
        subject_id=w["serviceKey"],
        content={
            "environment": {"id": w["env"]["key"]},
            "artifactId": f"pkg:oci/{w['serviceKey']}@{w['digest'].replace(':', '%3A')}",
        },
    )
    body["customData"] = {"version": w["version"], **custom}
    response = await ingress.post(structured(body), **{"x-signalbox-business-unit": "payments"})
    assert response.status_code == 202, response.text


def review(change: dict[str, Any], finding: str = "Hotfix outside Signalbox; reverted.") -> Any:
    return {"i": {"id": change["id"], "version": change["version"], "finding": finding}}


class TestAProductionDeploymentWithoutAnAllowedPromotion:
    async def test_is_an_unauthorized_change_in_the_review_queue_on_the_calendar_and_alerted(
        self, api: Api
    ) -> None:
        dep = await plan(api)
        change = await change_of(api, dep["id"])
        assert (change["status"], change["source"], change["artifactVersion"]) == (
            "OPEN",
            "GRAPHQL",
            "2.3.0",
        )
        assert change["reason"] == "No promotion of 2.3.0 to this environment was asked."
        assert (change["deployedByUsername"], change["service"]) == (
            "engineer",
            {"key": "card-gateway"},
        )
        assert change["alerted"] is True
        assert [m["topic"] for m in await alerts_of(api, change)] == [
            "unauthorized_change.detected"
        ]
        now = api.runtime.clock.now()
        window = {
            "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(),
        }
        shown = (await api.ok(CALENDAR, {"i": window}, as_user="viewer"))["calendar"]
        assert change["id"] in {c["id"] for c in shown["unauthorizedChanges"]}

    async def test_a_deployment_to_staging_is_not_checked(self, api: Api) -> None:
        staging = await environment(api, kind="STAGING", region="eu-west-1")
        dep = await plan(api, environmentId=staging["id"], artifactVersion="2.3.1")
        assert not [
            c for c in await open_changes(api) if (c["deployment"] or {}).get("id") == dep["id"]
        ]

    async def test_a_named_promotion_of_another_version_is_refused(self, api: Api) -> None:
        w, promotion = await allowed_promotion(api)
        body = await api.gql(
            CREATE,
            {"i": deployment(w, artifactVersion="9.9.9", promotionId=promotion["id"])},
            as_user="engineer",
        )
        errors = body["data"]["deploymentCreate"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("PROMOTION_MISMATCH", "promotionId")]

    async def test_a_named_release_that_does_not_exist_is_refused(self, api: Api) -> None:
        w = await world(api)
        missing = to_global_id("Release", uuid.uuid4())
        body = await api.gql(CREATE, {"i": deployment(w, releaseId=missing)}, as_user="engineer")
        errors = body["data"]["deploymentCreate"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("RELEASE_MISMATCH", "releaseId")]


class TestTheGuardrailSwitchesTheAlert:
    async def test_with_the_core_guardrail_off_no_alert_goes_out(self, api: Api) -> None:
        version = await core_version(api)
        values = {"values": {"unauthorized_change_alert": False}, "version": version, "note": "off"}
        await api.ok(CORE_UPDATE, {"i": values})
        try:
            change = await change_of(api, (await plan(api, artifactVersion="2.4.0"))["id"])
        finally:
            values = {"values": {"unauthorized_change_alert": True}, "version": version + 1}
            await api.ok(CORE_UPDATE, {"i": {**values, "note": "on"}})
        assert change["alerted"] is False
        assert await alerts_of(api, change) == []
        change = await change_of(api, (await plan(api, artifactVersion="2.4.1"))["id"])
        assert change["alerted"] is True and len(await alerts_of(api, change)) == 1


class TestTheRmoReviewsAnUnauthorizedChange:
    async def test_never_its_deployer_and_once(self, api: Api) -> None:
        change = await change_of(api, (await plan(api, artifactVersion="2.5.0"))["id"])
        own = await api.gql(REVIEW, review(change), as_user="engineer")
        assert own["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        empty = await api.gql(REVIEW, review(change, "  "), as_user="rmo")
        assert empty["data"]["unauthorizedChangeReview"]["errors"] == [
            {"code": "INVALID_FINDING", "field": "finding", "errorCode": "INVALID_FINDING"}
        ]
        done = await api.ok(REVIEW, review(change), as_user="rmo")
        reviewed = done["unauthorizedChangeReview"]["unauthorizedChange"]
        assert (reviewed["status"], reviewed["reviewedBy"], reviewed["finding"]) == (
            "REVIEWED",
            {"username": "rmo"},
            "Hotfix outside Signalbox; reverted.",
        )
        again = await api.gql(REVIEW, review(reviewed), as_user="payments-admin")
        assert [e["code"] for e in again["data"]["unauthorizedChangeReview"]["errors"]] == [
            "ALREADY_REVIEWED"
        ]
        trail = await api.ok(
            """query($e: String) { auditRecords(filter: {entityId: $e}, first: 20) {
              nodes { action } } }""",
            {"e": str(from_global_id(change["id"]))},
            as_user="auditor",
        )
        assert [n["action"] for n in trail["auditRecords"]["nodes"]] == [
            "unauthorized_change.detect",
            "unauthorized_change.review",
        ]

    async def test_the_deployer_who_may_review_is_refused_as_self_review(self, api: Api) -> None:
        change = await change_of(
            api, (await plan(api, as_user="rmo", artifactVersion="2.5.1"))["id"]
        )
        own = await api.gql(REVIEW, review(change), as_user="rmo")
        assert [e["code"] for e in own["data"]["unauthorizedChangeReview"]["errors"]] == [
            "SELF_REVIEW"
        ]

    async def test_two_reviewers_at_once_one_wins_the_other_conflicts(self, api: Api) -> None:
        change = await change_of(api, (await plan(api, artifactVersion="2.5.2"))["id"])
        bodies = await asyncio.gather(
            api.gql(REVIEW, review(change, "first"), as_user="rmo"),
            api.gql(REVIEW, review(change, "second"), as_user="payments-admin"),
        )
        codes = sorted(
            tuple(e["code"] for e in b["data"]["unauthorizedChangeReview"]["errors"])
            for b in bodies
        )
        assert codes == [(), ("VERSION_CONFLICT",)]


class TestTheReleaseOfAnUnauthorizedChange:
    async def test_shows_it_counts_it_in_the_evidence_pack_and_is_not_completed(
        self, api: Api
    ) -> None:
        w = await world(api)
        body = await api.gql(
            CREATE, {"i": deployment(w, releaseId=w["release"]["id"])}, as_user="engineer"
        )
        assert body["data"]["deploymentCreate"]["errors"] == [], body
        release = (await api.ok(RELEASE_CHANGES, {"id": w["release"]["id"]}))["node"]
        (change,) = release["unauthorizedChanges"]
        assert change["release"] == {"id": w["release"]["id"]}
        assert change["reason"] == (
            f"No promotion of the named release of {w['version']} to this environment was asked."
        )
        pack = (await api.ok(PACK, {"i": {"releaseId": w["release"]["id"]}}, as_user="auditor"))[
            "releaseEvidencePackExport"
        ]["pack"]
        gate = next(g for g in pack["gates"] if g["gate"] == "unauthorized_changes")
        assert (gate["status"], gate["evidence"]) == ("failed", {"open": 1, "reviewed": 0})
        assert "ITGC-CM-06" in gate["controls"]
        kinds = [i["kind"] for i in pack["items"]]
        assert kinds.count("unauthorized_change") == 1


class TestWithTheAllowedPromotion:
    async def test_the_deployment_is_linked_and_the_release_becomes_deployed(
        self, api: Api
    ) -> None:
        w, _ = await allowed_promotion(api)
        body = await api.gql(CREATE, {"i": deployment(w)}, as_user="engineer")
        assert body["data"]["deploymentCreate"]["errors"] == [], body
        assert not [c for c in await open_changes(api) if c["service"]["key"] == w["serviceKey"]]
        now = api.runtime.clock.now()
        window = {
            "plannedStart": (now + timedelta(days=400)).isoformat(),
            "plannedEnd": (now + timedelta(days=400, hours=1)).isoformat(),
        }
        scheduled = await api.ok(
            """mutation($i: ReleaseScheduleInput!) { releaseSchedule(input: $i) {
              release { id version } errors { code } } }""",
            {"i": {"id": w["release"]["id"], "version": w["release"]["version"], **window}},
        )
        started = await move(api, scheduled["releaseSchedule"]["release"], "Start")
        completed = await move(api, started["release"], "Complete")
        assert completed["errors"] == [] and completed["release"]["status"] == "DEPLOYED"
        pack = (await api.ok(PACK, {"i": {"releaseId": w["release"]["id"]}}, as_user="auditor"))[
            "releaseEvidencePackExport"
        ]["pack"]
        assert "production_deployment" in [i["kind"] for i in pack["items"]]
        gate = next(g for g in pack["gates"] if g["gate"] == "unauthorized_changes")
        assert gate["status"] == "passed"

    async def test_service_deployed_from_the_cd_tool_marks_the_promotion_promoted(
        self, api: Api, ingress: Ingress
    ) -> None:
        w, promotion = await allowed_promotion(api)
        await deployed(ingress, w, promotionId=promotion["id"])
        found = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on Promotion { status } } }",
            {"id": promotion["id"]},
        )
        assert found["node"]["status"] == "PROMOTED"
        again = await api.gql(
            """mutation($i: PromotionDecideInput!) { promotionDecide(input: $i) {
              errors { code } } }""",
            {"i": {"id": promotion["id"]}},
            as_user="engineer",
        )
        assert again["data"]["promotionDecide"]["errors"] == [{"code": "PROMOTION_PROMOTED"}]
        assert not [c for c in await open_changes(api) if c["service"]["key"] == w["serviceKey"]]

    async def test_a_cd_tool_deploying_an_unpromoted_version_is_an_unauthorized_change(
        self, api: Api, ingress: Ingress
    ) -> None:
        w = await world(api)
        await deployed(ingress, w)
        (change,) = [c for c in await open_changes(api) if c["service"]["key"] == w["serviceKey"]]
        assert (change["source"], change["artifactVersion"]) == ("CDEVENTS", w["version"])


class TestAnAlertNamingTheVersionRunningInProduction:
    async def test_an_unpromoted_version_is_recorded_once(self, api: Api) -> None:
        env = await environment(api, kind="PRODUCTION", region="eu-west-1")
        labels = {"service": "card-gateway", "environment": env["key"], "version": "7.7.7"}
        first = await post(api, webhook_payload(labels), api.token("sre"))
        again = await post(api, webhook_payload(labels), api.token("sre"))
        assert [r["outcome"] for r in first.json()["results"]] == [
            "unauthorized_change",
            "unmatched",
        ]
        assert [r["outcome"] for r in again.json()["results"]] == ["unmatched"]
        found = [
            c
            for c in await open_changes(api)
            if (c["source"], c["artifactVersion"]) == ("ALERT", "7.7.7")
        ]
        assert len(found) == 1 and found[0]["deployedByUsername"] == "alert HighErrorRate"


class TestAReleaseNamingProduction:
    async def test_is_not_completed_without_a_linked_production_deployment(self, api: Api) -> None:
        rel = await submitted(api, environments=["production"], **WINDOW)
        approved = await move(api, rel, "Approve")
        scheduled = await api.ok(
            """mutation($i: ReleaseScheduleInput!) { releaseSchedule(input: $i) {
              release { id version } errors { code } } }""",
            {"i": {"id": approved["release"]["id"], "version": approved["release"]["version"]}},
        )
        started = await move(api, scheduled["releaseSchedule"]["release"], "Start")
        refused = await move(api, started["release"], "Complete")
        assert [e["code"] for e in refused["errors"]] == ["PRODUCTION_NOT_PROMOTED"]
