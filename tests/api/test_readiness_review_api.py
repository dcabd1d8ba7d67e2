"""SRE readiness reviews through GraphQL: the scenario of issue 16 and the review's own rules.

A tier-1 (critical) release is refused production access with the missing runbook named; it
passes the gate once every item has evidence and an SRE who is not an author signs the review;
the author signing is refused. A release whose pipeline stage lists the gate is allowed end to
end once its review is signed. Checklist templates add up (org, then the BU's) and every
change is in the audit trail.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, ids, unique
from tests.api.environments_support import environment
from tests.api.governance_support import (
    audit_actions,
    fill_missing,
    move,
    person,
    release,
    services,
)
from tests.api.promotion_support import approved_world
from tests.api.readiness_review_support import (
    OPEN,
    RELEASE_REVIEW,
    REOPEN,
    evidence,
    evidence_all,
    open_review,
    request_and_approve,
    result,
    sign_off,
    template,
)
from tests.api.test_promotion_decision import ASK, ask, by_status

FRESH = ASK.replace("promotionDecision(input: $i)", "promotionDecision(input: $i, fresh: true)")
"""The decision on facts gathered now (the review just changed)."""


def gate(decision: dict[str, Any], key: str) -> dict[str, Any]:
    return next(g for g in decision["gates"] if g["gate"].lower() == key)


async def tier_one(api: Api) -> dict[str, Any]:
    """A submitted release of a new critical service, authored by an SRE, and a production
    environment for it."""
    await template(api, ["CRITICAL"])
    author = await person(api, role="sre")
    [service] = await services(api, "payments", tier="CRITICAL")
    env = await environment(api, kind="PRODUCTION", name="Production", region="us-east-1")
    rel = await fill_missing(
        api, await release(api, service_ids=[service], changeTypes=["UI"], authorIds=[author["id"]])
    )
    moved = await move(api, rel, "Submit")
    assert moved["errors"] == [], moved
    return {
        "service": service,
        "env": env,
        "release": moved["release"],
        "version": "1.0.0",
        "author": author,
    }


async def decide(api: Api, w: dict[str, Any]) -> dict[str, Any]:
    return (await api.ok(FRESH, {"i": ask(w)}, as_user="ci"))["promotionDecision"]  # type: ignore[no-any-return]


class TestATierOneReleaseNeedsItsSignedReadinessReview:
    async def test_refused_naming_the_missing_runbook_then_passing_once_an_independent_sre_signs(
        self, api: Api
    ) -> None:
        w = await tier_one(api)
        before = gate(await decide(api, w), "readiness_review")
        assert before["status"] == "PENDING"
        assert "required (the service's guardrails require one); none is open" in before["reason"]

        review = await open_review(api, w["release"]["id"])
        runbook = next(i["key"] for i in review["items"] if i["kind"] == "RUNBOOK")
        review = await evidence_all(api, review, but=(runbook,))
        decision = await decide(api, w)
        assert not decision["allowed"]
        refused = gate(decision, "readiness_review")
        assert refused["status"] == "PENDING", refused
        assert refused["evidence"]["missing"] == [f"Runbook ({runbook}): no evidence"], refused
        assert f"Runbook ({runbook}): no evidence" in refused["reason"]
        shown = await api.ok(RELEASE_REVIEW, {"id": w["release"]["id"]})
        assert shown["node"]["readinessReview"]["missing"] == [f"Runbook ({runbook}): no evidence"]

        review = await evidence(api, review, runbook, days_ago=3)
        assert review["missing"] == []
        by_author = await sign_off(api, review, w["author"]["username"])
        assert [e["code"] for e in by_author["errors"]] == ["CONFLICT_OF_INTEREST"]
        signer = await person(api, role="sre")
        signed = await sign_off(api, review, signer["username"])
        assert signed["errors"] == [], signed
        assert signed["readinessReview"]["status"] == "SIGNED_OFF"
        assert signed["readinessReview"]["signedOffBy"]["username"] == signer["username"]
        passed = gate(await decide(api, w), "readiness_review")
        assert passed["status"] == "PASSED", passed
        assert passed["evidence"]["readinessReviewId"] == review["id"]

    async def test_a_runbook_reviewed_longer_ago_than_the_tier_allows_is_named_and_blocks_sign_off(
        self, api: Api
    ) -> None:
        w = await tier_one(api)
        review = await evidence_all(api, await open_review(api, w["release"]["id"]))
        runbook = next(i["key"] for i in review["items"] if i["kind"] == "RUNBOOK")
        review = await evidence(api, review, runbook, days_ago=100)
        stale = f"Runbook ({runbook}): last reviewed more than 90 days ago"
        assert review["missing"] == [stale]
        refused = await sign_off(api, review, (await person(api, role="sre"))["username"])
        assert [e["code"] for e in refused["errors"]] == ["ITEMS_MISSING"]
        assert gate(await decide(api, w), "readiness_review")["evidence"]["missing"] == [stale]

    async def test_only_an_sre_signs_and_reopening_needs_a_new_sign_off(self, api: Api) -> None:
        w = await tier_one(api)
        review = await evidence_all(api, await open_review(api, w["release"]["id"]))
        assert [e["code"] for e in (await sign_off(api, review, "rmo"))["errors"]] == ["NOT_AN_SRE"]
        review = (await sign_off(api, review, "sre"))["readinessReview"]
        reopened = result(
            await api.gql(
                REOPEN,
                {"i": {"id": review["id"], "version": review["version"], "reason": "New build."}},
                as_user="engineer",
            )
        )
        assert reopened["errors"] == [] and reopened["readinessReview"]["status"] == "OPEN"
        after = gate(await decide(api, w), "readiness_review")
        assert after["status"] == "PENDING" and "awaits an SRE's sign-off" in after["reason"]
        assert await audit_actions(api, review["id"]) == [
            "readiness_review.open",
            *["readiness_review.record_evidence"] * len(review["items"]),
            "readiness_review.sign_off",
            "readiness_review.reopen",
        ]


class TestAListedGateIsRequiredAndPassesEndToEnd:
    async def test_an_approved_release_is_allowed_once_its_review_is_signed(self, api: Api) -> None:
        definition = (
            "stages:\n  - name: prod\n    environment_kind: production\n"
            "    gates: [readiness_review]\n"
        )
        w = await approved_world(api, definition)
        await template(api, ["INTERNAL"])
        assert by_status(await decide(api, w), "PENDING") == {"approvals", "readiness_review"}

        review = await evidence_all(api, await open_review(api, w["release"]["id"]))
        assert (await sign_off(api, review, "sre"))["errors"] == []
        assert by_status(await decide(api, w), "PENDING") == {"approvals"}
        promotion = await request_and_approve(api, w)
        assert promotion["status"] == "ALLOWED", promotion


class TestTheChecklistComesFromTheTemplates:
    async def test_org_items_come_first_and_a_bu_template_only_adds(self, api: Api) -> None:
        org = await template(api, ["CUSTOMER_FACING"])
        payments = (await ids(api))["payments"]
        bu = await template(api, ["CUSTOMER_FACING"], bu=payments, as_user="payments-admin")
        [service] = await services(api, "payments", tier="CUSTOMER_FACING")
        rel = await release(api, service_ids=[service])
        keys = [i["key"] for i in (await open_review(api, rel["id"]))["items"]]
        mine = [k for k in keys if k.split(".")[0] in (org["key"], bu["key"])]
        assert mine == [
            *(f"{org['key']}.{i['key']}" for i in org["items"]),
            *(f"{bu['key']}.{i['key']}" for i in bu["items"]),
        ]
        assert keys.index(mine[0]) < keys.index(mine[-1])
        shadow = await api.gql(
            """mutation($i: ReadinessReviewTemplateCreateInput!) {
              readinessReviewTemplateCreate(input: $i) { errors { code field } } }""",
            {
                "i": {
                    "key": org["key"],
                    "name": "Shadow",
                    "businessUnitId": payments,
                    "items": [{"key": "x1", "kind": "OTHER", "title": "X"}],
                }
            },
            as_user="payments-admin",
        )
        assert result(shadow)["errors"] == [{"code": "KEY_TAKEN", "field": "key"}]
        assert await audit_actions(api, bu["id"]) == ["readiness_review_template.create"]

    async def test_a_second_review_and_a_release_no_template_covers_are_refused(
        self, api: Api
    ) -> None:
        await template(api, ["CUSTOMER_FACING"])
        [service] = await services(api, "payments", tier="CUSTOMER_FACING")
        rel = await release(api, service_ids=[service])
        await open_review(api, rel["id"])
        again = result(await api.gql(OPEN, {"i": {"releaseId": rel["id"]}}, as_user="engineer"))
        assert [e["code"] for e in again["errors"]] == ["REVIEW_EXISTS"]
        bad = await api.gql(
            """mutation($i: ReadinessReviewTemplateCreateInput!) {
              readinessReviewTemplateCreate(input: $i) { errors { code } } }""",
            {"i": {"key": unique("t"), "name": "T", "items": []}},
        )
        assert result(bad)["errors"] == [{"code": "INVALID_ITEMS"}]
