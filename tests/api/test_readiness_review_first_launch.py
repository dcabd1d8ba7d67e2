"""A service's first launch through GraphQL (issue 16: "a review per release, or per service for
a first launch"), on SQLite and PostgreSQL.

The payments BU requires a signed service review for a first launch
(`first_launch_review_required`), so these tests run on databases of their own holding the demo
organization: the shared database's other tests promote brand-new payments services too.

A brand-new critical service's first production promotion is refused naming the service review
(beside its release's review, which is required as well); its missing runbook is named; its
opener may not sign; one of the release's authors signing fails the gate; an independent SRE's
sign-off passes it. An approved release of a first-launching service is allowed end to end once
its service review is signed. A service already in production needs no service review.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.api.conftest import Api, ids, serving_demo
from tests.api.evidence_support import Ingress
from tests.api.governance_support import audit_actions, person, services
from tests.api.promotion_support import approved_world
from tests.api.readiness_review_support import (
    OPEN_FOR_SERVICE,
    REOPEN,
    SERVICE_REVIEW,
    evidence,
    evidence_all,
    open_review,
    open_service_review,
    request_and_approve,
    result,
    sign_off,
    template,
)
from tests.api.test_guardrails_api import BU_SET, BU_UPDATE
from tests.api.test_promotion_decision import by_status
from tests.api.test_readiness_review_api import decide, gate, tier_one
from tests.api.test_unauthorized_changes import deployed
from tests.conftest import DIALECTS, scratch_postgres


async def _first_launches_need_a_service_review(api: Api) -> None:
    payments = (await ids(api))["payments"]
    version = (await api.ok(BU_SET, {"b": payments}))["guardrailSet"]["version"]
    saved = await api.ok(
        BU_UPDATE,
        {
            "i": {
                "businessUnitId": payments,
                "values": {"first_launch_review_required": True},
                "version": version,
                "note": "No service goes live for the first time without an SRE review.",
            }
        },
        as_user="payments-admin",
    )
    assert saved["guardrailBusinessUnitUpdate"]["errors"] == [], saved


@pytest.fixture(scope="module", params=DIALECTS)
async def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Api]:
    """This file's app on databases of its own holding the demo organization, the payments BU
    requiring a service review for a first launch."""
    data_dir = tmp_path_factory.mktemp("first-launch")
    if request.param == "sqlite":
        async with serving_demo(f"sqlite+aiosqlite:///{data_dir}/launch.db", data_dir) as app:
            await _first_launches_need_a_service_review(app)
            yield app
        return
    with scratch_postgres("first_launch") as [url]:
        async with serving_demo(url.render_as_string(hide_password=False), data_dir) as app:
            await _first_launches_need_a_service_review(app)
            yield app


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def _service_key(api: Api, service_id: str) -> str:
    return (await api.ok(SERVICE_REVIEW, {"id": service_id}))["node"]["key"]  # type: ignore[no-any-return]


class TestABrandNewCriticalServicesFirstLaunch:
    async def test_refused_naming_the_service_review_until_an_independent_sre_signs_it(
        self, api: Api
    ) -> None:
        w = await tier_one(api)
        key = await _service_key(api, w["service"])
        none_open = (
            f"The first launch of service '{key}' needs its signed service readiness review; "
            "none is open."
        )
        before = gate(await decide(api, w), "readiness_review")
        assert before["status"] == "PENDING", before
        assert "A readiness review is required" in before["reason"], before
        assert none_open in before["reason"], before

        # The release's review, signed by an independent SRE, does not stand in for it.
        release_review = await evidence_all(api, await open_review(api, w["release"]["id"]))
        sre = await person(api, role="sre")
        assert (await sign_off(api, release_review, sre["username"]))["errors"] == []
        only_service = gate(await decide(api, w), "readiness_review")
        assert (only_service["status"], only_service["reason"]) == ("PENDING", none_open)

        opener = await person(api, role="sre")
        review = await open_service_review(api, w["service"], as_user=opener["username"])
        runbook = next(i["key"] for i in review["items"] if i["kind"] == "RUNBOOK")
        review = await evidence_all(api, review, but=(runbook,))
        refused = gate(await decide(api, w), "readiness_review")
        assert refused["status"] == "PENDING", refused
        assert refused["evidence"]["serviceMissing"] == [f"Runbook ({runbook}): no evidence"]
        assert refused["reason"] == (
            f"The service readiness review of service '{key}' (first launch) is missing: "
            f"Runbook ({runbook}): no evidence."
        )

        review = await evidence(api, review, runbook, days_ago=3)
        assert _codes(await sign_off(api, review, opener["username"])) == ["CONFLICT_OF_INTEREST"]
        by_author = await sign_off(api, review, w["author"]["username"])
        assert by_author["errors"] == [], by_author
        conflicted = gate(await decide(api, w), "readiness_review")
        assert conflicted["status"] == "FAILED", conflicted
        assert "signed off by its opener or one of the release's authors" in conflicted["reason"]

        signed_by_author = by_author["readinessReview"]
        reopened = result(
            await api.gql(
                REOPEN,
                {
                    "i": {
                        "id": signed_by_author["id"],
                        "version": signed_by_author["version"],
                        "reason": "Signed by one of the launching release's authors.",
                    }
                },
                as_user="engineer",
            )
        )["readinessReview"]
        independent = await person(api, role="sre")
        signed = await sign_off(api, reopened, independent["username"])
        assert signed["errors"] == [], signed
        passed = gate(await decide(api, w), "readiness_review")
        assert passed["status"] == "PASSED", passed
        assert passed["evidence"]["serviceReadinessReviewId"] == review["id"]
        assert passed["evidence"]["readinessReviewId"] == release_review["id"]

        shown = (await api.ok(SERVICE_REVIEW, {"id": w["service"]}))["node"]["readinessReview"]
        assert shown["service"] == {"id": w["service"]} and shown["release"] is None
        assert shown["openedBy"]["username"] == opener["username"]
        assert (shown["status"], shown["signedOffBy"]["username"]) == (
            "SIGNED_OFF",
            independent["username"],
        )
        assert await audit_actions(api, review["id"]) == [
            "readiness_review.open_for_service",
            *["readiness_review.record_evidence"] * len(review["items"]),
            "readiness_review.sign_off",
            "readiness_review.reopen",
            "readiness_review.sign_off",
        ]


class TestAFirstLaunchIsAllowedEndToEnd:
    async def test_an_approved_release_is_allowed_once_the_service_review_is_signed(
        self, api: Api
    ) -> None:
        w = await approved_world(api)
        await template(api, ["INTERNAL"])
        assert by_status(await decide(api, w), "PENDING") == {"approvals", "readiness_review"}
        review = await evidence_all(api, await open_service_review(api, w["service"]))
        assert (await sign_off(api, review, "sre"))["errors"] == []
        assert by_status(await decide(api, w), "PENDING") == {"approvals"}
        promotion = await request_and_approve(api, w)
        assert promotion["status"] == "ALLOWED", promotion


class TestAServiceAlreadyInProduction:
    async def test_needs_no_service_review_and_an_open_one_no_longer_weighs(self, api: Api) -> None:
        w = await approved_world(api)
        await template(api, ["INTERNAL"])
        await open_service_review(api, w["service"])
        waiting = gate(await decide(api, w), "readiness_review")
        assert waiting["status"] == "PENDING" and "(first launch) is missing" in waiting["reason"]

        await deployed(Ingress(api, api.http), w)
        launched = gate(await decide(api, w), "readiness_review")
        assert launched["status"] == "PASSED", launched
        assert "serviceReadinessReviewId" not in launched["evidence"]
        assert by_status(await decide(api, w), "PENDING") == {"approvals"}


class TestOpeningAServiceReview:
    async def test_once_per_service_and_only_in_your_business_units(self, api: Api) -> None:
        await template(api, ["INTERNAL"])
        [service] = await services(api, "payments")
        await open_service_review(api, service)
        again = result(
            await api.gql(OPEN_FOR_SERVICE, {"i": {"serviceId": service}}, as_user="engineer")
        )
        assert [(e["code"], e["field"]) for e in again["errors"]] == [
            ("REVIEW_EXISTS", "serviceId")
        ]
        [retail] = await services(api, "retail")
        elsewhere = result(
            await api.gql(OPEN_FOR_SERVICE, {"i": {"serviceId": retail}}, as_user="engineer")
        )
        assert [e["code"] for e in elsewhere["errors"]] == ["NOT_FOUND"]
        assert (await api.ok(SERVICE_REVIEW, {"id": retail}))["node"]["readinessReview"] is None

    async def test_the_checklist_is_the_templates_of_its_tier(self, api: Api) -> None:
        critical = await template(api, ["CRITICAL"])
        everyone = await template(api, [])
        [internal_service] = await services(api, "payments")
        [critical_service] = await services(api, "payments", tier="CRITICAL")
        internal = {i["key"] for i in (await open_service_review(api, internal_service))["items"]}
        tier_one = {i["key"] for i in (await open_service_review(api, critical_service))["items"]}
        only_critical = {f"{critical['key']}.{i['key']}" for i in critical["items"]}
        both = {f"{everyone['key']}.{i['key']}" for i in everyone["items"]}
        assert only_critical <= tier_one and not only_critical & internal
        assert both <= tier_one and both <= internal
