"""Defects found after release over GraphQL: recorded (by hand, from an incident), refused with
typed errors and nothing stored, reclassified with an audited reason."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import audit_actions, services
from tests.api.test_defect_support import (
    RECLASSIFY,
    ago,
    defects_of,
    deploy,
    incident,
    record,
    refused,
    world,
)
from tests.api.test_post_mortem_api import opened


class TestRecordingADefect:
    async def test_a_defect_is_recorded_classified_and_audited(self, api: Api) -> None:
        w = await world(api, 1)
        found = ago(api, hours=3)
        defect = await record(
            api,
            w.services[0],
            rootCause="CONFIGURATION",
            escapedTestLayer="CONTRACT",
            severity="HIGH",
            changeType="CONFIG",
            foundAt=found.isoformat(),
        )
        assert defect["rootCause"] == "CONFIGURATION" and defect["escapedLayer"] == "CONTRACT"
        assert defect["changeType"] == "CONFIG" and defect["severity"] == "HIGH"
        assert defect["sourceKind"] == "MANUAL" and defect["sourceId"] is None
        assert defect["service"]["id"] == w.services[0] and defect["version"] == 1
        assert "defect.record" in await audit_actions(api, defect["id"])
        assert [d["id"] for d in await defects_of(api, w.services[0])] == [defect["id"]]

    async def test_a_defect_from_an_incident_names_it(self, api: Api) -> None:
        w = await world(api, 1)
        incident_id = await incident(api, w, 0, "checkout 500s after 2.3.1", ago(api, hours=2))
        defect = await record(api, w.services[0], sourceKind="INCIDENT", sourceId=incident_id)
        assert defect["sourceKind"] == "INCIDENT" and defect["sourceId"] == incident_id
        assert defect["incident"] == {"description": "checkout 500s after 2.3.1"}

    async def test_an_incident_of_another_service_is_refused_and_nothing_is_stored(
        self, api: Api
    ) -> None:
        w = await world(api, 2)
        incident_id = await incident(api, w, 1, "ledger drift", ago(api, hours=2))
        errors = await refused(api, w.services[0], sourceKind="INCIDENT", sourceId=incident_id)
        assert [(e["code"], e["field"]) for e in errors] == [
            ("SOURCE_OF_ANOTHER_SERVICE", "sourceId")
        ]
        assert await defects_of(api, w.services[0]) == []

    async def test_a_deployment_of_another_service_is_refused(self, api: Api) -> None:
        w = await world(api, 2)
        await deploy(api, w, 1, ago(api, hours=1))
        data = await api.ok(
            "query($b: ID!) { deploymentReports(filter: {businessUnitId: $b}, first: 10) {"
            " nodes { id } } }",
            {"b": w.bu},
        )
        (report,) = data["deploymentReports"]["nodes"]
        errors = await refused(api, w.services[0], deploymentId=report["id"])
        assert [e["code"] for e in errors] == ["DEPLOYMENT_OF_ANOTHER_SERVICE"]
        assert await defects_of(api, w.services[0]) == []

    @pytest.mark.parametrize(
        ("values", "code", "field"),
        [
            ({"sourceKind": "INCIDENT"}, "SOURCE_REQUIRED", "sourceId"),
            (
                {
                    "sourceKind": "POST_MORTEM",
                    "sourceId": "UG9zdE1vcnRlbTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDE=",
                },
                "NOT_FOUND",
                "sourceId",
            ),
            (
                {
                    "sourceKind": "FEEDBACK",
                    "sourceId": (
                        "UG9zdFJlbGVhc2VGZWVkYmFjazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDE="
                    ),
                },
                "NOT_FOUND",
                "sourceId",
            ),
            ({"component": "   "}, "INVALID_COMPONENT", "component"),
            ({"component": "x" * 101}, "INVALID_COMPONENT", "component"),
            ({"title": ""}, "INVALID_TITLE", "title"),
            ({"foundAt": "2026-12-01T10:00:00"}, "INVALID_FOUND_AT", "foundAt"),
        ],
    )
    async def test_bad_input_is_a_typed_refusal_and_nothing_is_stored(
        self, api: Api, values: dict[str, str], code: str, field: str
    ) -> None:
        w = await world(api, 1)
        errors = await refused(api, w.services[0], **values)
        assert [(e["code"], e["errorCode"], e["field"]) for e in errors] == [(code, code, field)]
        assert await defects_of(api, w.services[0]) == []

    async def test_a_defect_found_in_the_future_is_refused(self, api: Api) -> None:
        w = await world(api, 1)
        later = (
            api.runtime.clock.now() + (api.runtime.clock.now() - ago(api, hours=1))
        ).isoformat()
        errors = await refused(api, w.services[0], foundAt=later)
        assert [e["code"] for e in errors] == ["FOUND_IN_FUTURE"]

    async def test_a_service_outside_your_bus_reads_as_absent(self, api: Api) -> None:
        w = await world(api, 1)
        body = await api.gql(
            "mutation($i: DefectRecordInput!) { defectRecord(input: $i) { errors { code } } }",
            {
                "i": {
                    "serviceId": w.services[0],
                    "title": "t",
                    "component": "c",
                    "changeType": "UI",
                    "rootCause": "CODE",
                    "escapedTestLayer": "UNIT",
                    "severity": "LOW",
                }
            },
            as_user="engineer",
        )
        assert body["data"]["defectRecord"]["errors"] == [{"code": "NOT_FOUND"}]


class TestReclassifying:
    async def test_a_reclassification_changes_the_defect_and_audits_the_reason(
        self, api: Api
    ) -> None:
        w = await world(api, 1)
        defect = await record(api, w.services[0])
        data = await api.ok(
            RECLASSIFY,
            {
                "i": {
                    "id": defect["id"],
                    "version": 1,
                    "reason": "The post-mortem found a missing feature flag default.",
                    "rootCause": "CONFIGURATION",
                    "escapedTestLayer": "INTEGRATION",
                }
            },
        )
        changed = data["defectReclassify"]["defect"]
        assert (changed["rootCause"], changed["escapedLayer"], changed["version"]) == (
            "CONFIGURATION",
            "INTEGRATION",
            2,
        )
        assert (await audit_actions(api, defect["id"])).count("defect.reclassify") == 1

    async def test_a_reclassification_that_changes_nothing_writes_nothing(self, api: Api) -> None:
        w = await world(api, 1)
        defect = await record(api, w.services[0])
        data = await api.ok(
            RECLASSIFY,
            {"i": {"id": defect["id"], "version": 1, "reason": "same", "rootCause": "CODE"}},
        )
        assert data["defectReclassify"]["defect"]["version"] == 1
        assert "defect.reclassify" not in await audit_actions(api, defect["id"])

    @pytest.mark.parametrize(
        ("values", "code"),
        [
            ({"version": 7, "reason": "r"}, "VERSION_CONFLICT"),
            ({"version": 1, "reason": " "}, "INVALID_REASON"),
        ],
    )
    async def test_a_stale_version_or_no_reason_is_refused(
        self, api: Api, values: dict[str, object], code: str
    ) -> None:
        w = await world(api, 1)
        defect = await record(api, w.services[0])
        body = await api.gql(RECLASSIFY, {"i": {"id": defect["id"], "rootCause": "DATA", **values}})
        assert [e["code"] for e in body["data"]["defectReclassify"]["errors"]] == [code]
        (still,) = await defects_of(api, w.services[0])
        assert (still["rootCause"], still["version"]) == ("CODE", 1)


class TestADefectFromAPostMortem:
    async def test_it_names_the_post_mortem_of_an_incident_of_its_service(self, api: Api) -> None:
        made = await opened(api)
        found = await record(
            api, made["service"], sourceKind="POST_MORTEM", sourceId=made["pm"]["id"]
        )
        assert found["sourceId"] == made["pm"]["id"]
        [other] = await services(api, "payments")
        errors = await refused(api, other, sourceKind="POST_MORTEM", sourceId=made["pm"]["id"])
        assert [e["code"] for e in errors] == ["SOURCE_OF_ANOTHER_SERVICE"]
        assert await defects_of(api, other) == []
