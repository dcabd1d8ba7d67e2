"""A deployment a CD tool reports through CDEvents (`service.deployed` into a production
environment) opens a post-release review too, keyed by its report; an incident of the service
detected after it shows in the review as an emergent issue; a reported rollback opens none."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import Api, unique
from tests.api.deployments_support import service
from tests.api.environments_support import environment
from tests.api.evidence_support import Ingress, cdevent, ingress, structured
from tests.api.post_release_review_support import GATHER, result, review_of, sweep

__all__ = ["ingress"]
REPORTS = """query($s: ID!) { deploymentReports(filter: {serviceId: $s}, first: 100) {
  nodes { id environmentRef } } }"""


def _stamp(api: Api, ago: timedelta) -> str:
    return (api.runtime.clock.now() - ago).isoformat().replace("+00:00", "Z")


async def _report(ingress: Ingress, body: dict[str, Any]) -> None:
    response = await ingress.post(structured(body), **{"x-signalbox-business-unit": "payments"})
    assert response.status_code == 202, response.text


async def _deployed(ingress: Ingress, api: Api, env: str, kind: str, ago: timedelta) -> str:
    """The CD tool reports card-gateway 5.0.0 `kind` into `env`; the report's global id."""
    body = cdevent(
        f"service.{kind}",
        subject_id="card-gateway",
        content={"environment": {"id": env}, "artifactId": "pkg:oci/card-gateway@5.0.0"},
        timestamp=_stamp(api, ago),
    )
    await _report(ingress, body)
    sid = (await service(api))["id"]
    found = (await api.ok(REPORTS, {"s": sid}))["deploymentReports"]["nodes"]
    return next(n["id"] for n in found if n["environmentRef"] == env)


class TestAReportedProductionDeploymentOpensAReview:
    async def test_it_is_reviewed_and_an_incident_after_it_emerges(
        self, api: Api, ingress: Ingress
    ) -> None:
        env = await environment(api, kind="PRODUCTION", region="eu-west-1", name="Prod")
        report = await _deployed(ingress, api, env["key"], "deployed", timedelta(hours=2))
        ref = unique("INC")
        incident = cdevent(
            "incident.detected",
            subject_id=ref,
            content={
                "description": "Card authorisations failing",
                "environment": {"id": env["key"]},
                "service": {"id": "card-gateway"},
            },
            timestamp=_stamp(api, timedelta(hours=1)),
        )
        await _report(ingress, incident)
        await sweep(api)
        review = await review_of(api, report)
        assert review is not None and review["status"] == "OPEN"
        gathered = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="sre"))
        assert gathered["errors"] == [], gathered
        issues = gathered["postReleaseReview"]["emergentIssues"]
        assert ("INCIDENT", ref) in {(i["kind"], i["key"]) for i in issues}
        assert ref in [i["ref"] for i in gathered["postReleaseReview"]["incidents"]]

    async def test_a_reported_rollback_opens_no_review(self, api: Api, ingress: Ingress) -> None:
        env = await environment(api, kind="PRODUCTION", region="eu-west-1", name="Prod")
        report = await _deployed(ingress, api, env["key"], "rolledback", timedelta(hours=1))
        await sweep(api)
        assert await review_of(api, report) is None
