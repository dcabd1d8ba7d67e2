"""The go/no-go dashboard shows the open incidents on the services a release ships: those the
operations tools reported and have not resolved, newest first, the newest few listed and all
counted, read in one statement for all the services, and only to whoever may read incident
reports in the release's BU."""

from __future__ import annotations

import uuid
from typing import Any

from tests.api.conftest import Api
from tests.api.evidence_support import Ingress, cdevent, structured
from tests.api.governance_support import services
from tests.api.test_promotion_decision import world
from tests.api.test_query_cost import fewest
from tests.api.test_release_blockers import _release
from tests.api.test_release_readiness import api

__all__ = ["api"]

INCIDENTS = """query($id: ID!) { releaseReadiness(releaseId: $id) { verdict
  openIncidents { totalCount nodes { id status description detectedAt incidentRef
    service { id } } } } }"""


async def _report(
    api: Api, kind: str, ref: str, service_key: str, at: str, description: str = ""
) -> None:
    body = cdevent(
        kind,
        subject_id=ref,
        source="/pagerduty",
        timestamp=at,
        content={
            "description": description or ref,
            "environment": {"id": "prod"},
            "service": {"id": service_key},
        },
    )
    sent = await Ingress(api, api.http).post(
        structured(body), **{"x-signalbox-business-unit": "payments"}
    )
    assert sent.status_code == 202, sent.text


async def _key(api: Api, service_id: str) -> str:
    found = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { key } } }", {"id": service_id}
    )
    return found["node"]["key"]  # type: ignore[no-any-return]


async def _incidents(api: Api, release_id: str, as_user: str = "release-manager") -> Any:
    board = (await api.ok(INCIDENTS, {"id": release_id}, as_user=as_user))["releaseReadiness"]
    return board["openIncidents"]


def _ref() -> str:
    return f"INC-{uuid.uuid4().hex[:10]}"


class TestOpenIncidentsOnTheShippedServices:
    async def test_only_the_open_ones_of_shipped_services_newest_first(self, api: Api) -> None:
        w = await world(api)
        [other, unshipped] = await services(api, "payments", 2)
        rel = await _release(api, [w["service"], other])
        assert (await _incidents(api, rel["id"])) == {"totalCount": 0, "nodes": []}
        older, newer, elsewhere, resolved = _ref(), _ref(), _ref(), _ref()
        await _report(api, "incident.detected", older, w["serviceKey"], "2026-11-27T09:00:00Z")
        await _report(
            api, "incident.detected", newer, await _key(api, other), "2026-11-27T10:00:00Z"
        )
        await _report(
            api, "incident.detected", elsewhere, await _key(api, unshipped), "2026-11-27T11:00:00Z"
        )
        await _report(api, "incident.detected", resolved, w["serviceKey"], "2026-11-27T12:00:00Z")
        await _report(api, "incident.resolved", resolved, w["serviceKey"], "2026-11-27T12:30:00Z")
        found = await _incidents(api, rel["id"])
        assert found["totalCount"] == 2, found
        assert [n["incidentRef"] for n in found["nodes"]] == [newer, older]
        assert [n["service"]["id"] for n in found["nodes"]] == [other, w["service"]]
        assert {n["status"] for n in found["nodes"]} == {"OPEN"}

    async def test_the_newest_twenty_are_listed_and_all_are_counted(self, api: Api) -> None:
        w = await world(api)
        rel = await _release(api, [w["service"]])
        refs = [_ref() for _ in range(22)]
        for minute, ref in enumerate(refs):
            await _report(
                api, "incident.detected", ref, w["serviceKey"], f"2026-11-27T08:{minute:02d}:00Z"
            )
        found = await _incidents(api, rel["id"])
        assert found["totalCount"] == 22
        assert [n["incidentRef"] for n in found["nodes"]] == refs[::-1][:20]

    async def test_they_cost_one_statement_whatever_the_services(self, api: Api) -> None:
        w = await world(api)
        counts = []
        for more in (1, 8):
            shipped = [w["service"], *await services(api, "payments", more)]
            for sid in shipped:
                await _report(
                    api, "incident.detected", _ref(), await _key(api, sid), "2026-11-27T07:00:00Z"
                )
            rel = await _release(api, shipped)
            found, statements = await fewest(api, lambda: _incidents(api, rel["id"]))
            assert found["totalCount"] >= len(shipped)
            counts.append(statements)
        few, many = counts
        assert many == few, (few, many)


class TestWhoSeesTheIncidents:
    async def test_roles_that_may_not_read_incident_reports_see_none(self, api: Api) -> None:
        w = await world(api)
        rel = await _release(api, [w["service"]])
        await _report(api, "incident.detected", _ref(), w["serviceKey"], "2026-11-27T09:00:00Z")
        for user in ("release-manager", "sre", "auditor", "engineer"):
            assert (await _incidents(api, rel["id"], user))["totalCount"] >= 1, user
        for user in ("approver", "viewer"):
            board = (await api.ok(INCIDENTS, {"id": rel["id"]}, as_user=user))["releaseReadiness"]
            assert board["verdict"] is not None and board["openIncidents"] is None, (user, board)
