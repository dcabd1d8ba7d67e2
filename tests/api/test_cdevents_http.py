"""POST /cdevents: both CloudEvents modes, the conformance examples, and clear 4xx refusals."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import orjson
import pytest

from tests.api.conftest import Api, ids
from tests.api.evidence_support import (
    EXAMPLE_DIRS,
    STANDARDS,
    Ingress,
    binary,
    cdevent,
    conformance_examples,
    ingress,
    ingress_with,
    load,
    structured,
)
from tests.conftest import skip_or_fail

__all__ = ["ingress"]
PAYMENTS = {"x-signalbox-business-unit": "payments"}
EXAMPLES = [p for v in ("0.3.0", "0.4.1", "0.5.1") for p in conformance_examples(v)]


class TestTheExamplesOfEveryShippedVersionIngest:
    @pytest.mark.parametrize(
        "path",
        EXAMPLES,
        ids=[f"{p.parent.parent.name}-{p.stem}" for p in EXAMPLES],
    )
    async def test_each_example_is_accepted_in_binary_mode_then_replays_in_structured_mode(
        self, ingress: Ingress, path: Path
    ) -> None:
        body = load(path)
        first = await ingress.post(binary(body), **PAYMENTS)
        assert first.status_code == 202, first.text
        assert first.json()["known"] is True and first.json()["duplicate"] is False
        replay = await ingress.post(structured(body), **PAYMENTS)
        assert replay.status_code == 200, replay.text
        assert replay.json()["duplicate"] is True and replay.json()["id"] == first.json()["id"]

    @pytest.mark.parametrize(("version", "count"), [("0.3.0", 39), ("0.4.1", 45), ("0.5.1", 45)])
    def test_every_type_of_each_version_has_its_example(self, version: str, count: int) -> None:
        if not (STANDARDS / EXAMPLE_DIRS[version]).is_dir():
            skip_or_fail(f"the CDEvents {version} examples are not at {STANDARDS}")
        assert len(conformance_examples(version)) == count

    async def test_the_custom_example_is_stored_but_ignored(self, ingress: Ingress) -> None:
        body = load(STANDARDS / "v0.5.1" / "custom" / "conformance.json")
        body["context"]["id"] = uuid.uuid4().hex
        response = await ingress.post(structured(body), **PAYMENTS)
        assert response.status_code == 202
        assert (response.json()["known"], response.json()["outcome"]) == (False, "ignored")


class TestMalformedEventsGetAClear4xx:
    async def test_a_body_that_is_not_json_is_a_400(self, ingress: Ingress) -> None:
        _, headers = binary(cdevent("build.started"))
        response = await ingress.post((b"{not json", headers), **PAYMENTS)
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "MALFORMED_EVENT"

    async def test_a_missing_cloudevent_attribute_is_named(self, ingress: Ingress) -> None:
        body, headers = binary(cdevent("build.started"))
        del headers["ce-id"]
        response = await ingress.post((body, headers), **PAYMENTS)
        assert response.status_code == 400
        problems = response.json()["errors"][0]["extensions"]["problems"]
        assert [p["pointer"] for p in problems] == ["ce-id"]

    async def test_a_schema_violation_names_its_json_pointer(self, ingress: Ingress) -> None:
        body = cdevent("service.deployed", content={"environment": {"id": "prod"}})
        response = await ingress.post(structured(body), **PAYMENTS)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "INVALID_CDEVENT"
        assert error["extensions"]["problems"][0]["pointer"] == "/subject/content"
        assert "artifactId" in error["extensions"]["problems"][0]["message"]

    @pytest.mark.parametrize(
        ("content", "where"),
        [
            ({"artifactId": "pkg:oci/card-gateway@sha256%3A" + "c" * 64}, "/subject/content"),
            (
                {"environment": {"id": "prod"}, "artifactId": 42},
                "/subject/content/artifactId",
            ),
        ],
        ids=["no-environment", "integer-artifact-id"],
    )
    async def test_a_schema_invalid_event_is_refused_without_any_configuration(
        self, ingress: Ingress, content: dict[str, object], where: str
    ) -> None:
        body = cdevent("service.deployed", subject_id="card-gateway", content=content)
        response = await ingress.post(binary(body), **PAYMENTS)
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "INVALID_CDEVENT"
        assert [p["pointer"] for p in error["extensions"]["problems"]] == [where]

    async def test_an_old_event_is_held_to_its_own_versions_schema(self, ingress: Ingress) -> None:
        body = load(STANDARDS / "v0.4.1" / "conformance" / "service_deployed.json")
        body["context"]["id"] = uuid.uuid4().hex
        body["subject"]["content"]["artifactId"] = ["not", "a", "string"]
        response = await ingress.post(structured(body), **PAYMENTS)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert "0.4.1" in error["message"]
        assert error["extensions"]["problems"][0]["pointer"] == "/subject/content/artifactId"

    async def test_a_spec_version_signalbox_has_no_schemas_of_is_a_400_at_its_field(
        self, ingress: Ingress
    ) -> None:
        body = cdevent("build.started")
        body["context"]["version"] = "0.2.0"
        del body["context"]["specversion"]
        response = await ingress.post(binary(body), **PAYMENTS)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "UNSUPPORTED_SPEC_VERSION"
        assert error["extensions"]["problems"][0]["pointer"] == "/context/version"

    async def test_an_envelope_unlike_the_context_is_a_400(self, ingress: Ingress) -> None:
        body, headers = binary(cdevent("build.started"))
        headers["ce-type"] = "dev.cdevents.build.finished.0.3.0"
        response = await ingress.post((body, headers), **PAYMENTS)
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "ENVELOPE_MISMATCH"

    async def test_another_cloudevents_version_is_a_400(self, ingress: Ingress) -> None:
        body, headers = binary(cdevent("build.started"))
        headers["ce-specversion"] = "0.3"
        assert (await ingress.post((body, headers), **PAYMENTS)).status_code == 400

    async def test_a_structured_event_whose_data_is_no_object_is_a_400(
        self, ingress: Ingress
    ) -> None:
        envelope = {"specversion": "1.0", "id": "1", "source": "/x", "type": "t", "data": "text"}
        payload = (orjson.dumps(envelope), {"content-type": "application/cloudevents+json"})
        response = await ingress.post(payload, **PAYMENTS)
        assert response.status_code == 400

    @pytest.mark.parametrize(
        "content_type", ["text/plain", "application/xml", "application/cloudevents-batch+json"]
    )
    async def test_other_media_types_are_a_415(self, ingress: Ingress, content_type: str) -> None:
        response = await ingress.post((b"[]", {"content-type": content_type}), **PAYMENTS)
        assert response.status_code == 415

    async def test_a_body_past_the_limit_is_a_413(self, ingress: Ingress) -> None:
        body = cdevent("build.started", content={"pad": "x" * 1_100_000})
        response = await ingress.post(structured(body), **PAYMENTS)
        assert response.status_code == 413

    async def test_the_same_key_with_another_body_is_a_409(self, ingress: Ingress) -> None:
        body = cdevent("pipelinerun.finished", content={"pipelineName": "build"})
        assert (await ingress.post(binary(body), **PAYMENTS)).status_code == 202
        changed = copy.deepcopy(body)
        changed["subject"]["content"] = {"pipelineName": "deploy"}
        response = await ingress.post(binary(changed), **PAYMENTS)
        assert response.status_code == 409
        assert response.json()["errors"][0]["extensions"]["code"] == "CONFLICTING_DUPLICATE"


class TestWhoMaySendEvents:
    async def test_without_a_token_it_is_a_401(self, ingress: Ingress) -> None:
        response = await ingress.post(binary(cdevent("build.started")), as_user=None, **PAYMENTS)
        assert response.status_code == 401

    async def test_a_reader_without_cd_event_create_is_a_403(self, ingress: Ingress) -> None:
        event = binary(cdevent("build.started"))
        response = await ingress.post(event, as_user="release-manager", **PAYMENTS)
        assert response.status_code == 403

    async def test_a_role_that_may_not_even_read_events_there_gets_a_404(
        self, ingress: Ingress
    ) -> None:
        response = await ingress.post(
            binary(cdevent("build.started")), as_user="viewer", **PAYMENTS
        )
        assert response.status_code == 404

    async def test_a_business_unit_you_may_not_see_is_a_404(self, ingress: Ingress) -> None:
        headers = {"x-signalbox-business-unit": "retail"}
        response = await ingress.post(binary(cdevent("build.started")), as_user="ci", **headers)
        assert response.status_code == 404

    async def test_one_business_unit_is_inferred_for_a_ci_user(
        self, ingress: Ingress, api: Api
    ) -> None:
        response = await ingress.post(binary(cdevent("build.started")), as_user="ci")
        assert response.status_code == 202

    async def test_a_caller_who_may_send_events_nowhere_is_a_403_not_a_400(
        self, ingress: Ingress
    ) -> None:
        response = await ingress.post(binary(cdevent("build.started")), as_user="release-manager")
        assert response.status_code == 403
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_an_org_wide_sender_must_name_the_business_unit(self, ingress: Ingress) -> None:
        response = await ingress.post(binary(cdevent("build.started")), as_user="rmo")
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BUSINESS_UNIT_REQUIRED"


class TestDeploymentsAndIncidentsReachTheApi:
    async def test_a_deployment_and_an_incident_are_listed(
        self, ingress: Ingress, api: Api
    ) -> None:
        marker = uuid.uuid4().hex[:8]
        deployed = cdevent(
            "service.deployed",
            subject_id="card-gateway",
            content={
                "environment": {"id": f"env-{marker}"},
                "artifactId": "pkg:oci/card-gateway@sha256%3A" + "a" * 64,
            },
        )
        detected = cdevent(
            "incident.detected",
            subject_id=f"INC-{marker}",
            content={
                "environment": {"id": "prod"},
                "service": {"id": "card-gateway"},
                "description": marker,
            },
        )
        for body in (deployed, detected):
            assert (await ingress.post(structured(body), **PAYMENTS)).status_code == 202
        data = await api.ok(
            "{ deploymentReports(first: 500) { nodes { kind environmentRef unresolved service { key } } }"
            " incidentReports(first: 500) { nodes { status description service { key } } }"
            ' cdEvents(first: 500, filter: {typePrefix: "dev.cdevents.incident."}) { nodes { type outcome note } } }'
        )
        (report,) = [
            n for n in data["deploymentReports"]["nodes"] if n["environmentRef"] == f"env-{marker}"
        ]
        assert report["kind"] == "DEPLOYED" and report["service"] == {"key": "card-gateway"}
        assert "environment" in report["unresolved"]
        (incident,) = [n for n in data["incidentReports"]["nodes"] if n["description"] == marker]
        assert incident["status"] == "OPEN" and incident["service"] == {"key": "card-gateway"}
        assert all(
            n["type"].startswith("dev.cdevents.incident.") for n in data["cdEvents"]["nodes"]
        )

    async def test_they_appear_on_the_calendar_next_to_what_was_planned(
        self, ingress: Ingress, api: Api
    ) -> None:
        marker = uuid.uuid4().hex[:8]
        at = "2026-03-02T10:00:00Z"
        deployed = cdevent(
            "service.deployed",
            subject_id="card-gateway",
            content={
                "environment": {"id": f"env-{marker}"},
                "artifactId": "pkg:oci/card-gateway@sha256%3A" + "b" * 64,
            },
            timestamp=at,
        )
        detected = cdevent(
            "incident.detected",
            subject_id=f"INC-{marker}",
            content={
                "environment": {"id": "prod"},
                "service": {"id": "card-gateway"},
                "description": marker,
            },
            timestamp=at,
        )
        for body in (deployed, detected):
            assert (await ingress.post(structured(body), **PAYMENTS)).status_code == 202
        query = """query($i: CalendarInput!) { calendar(input: $i) {
          deployments { kind environmentRef } incidents { description } } }"""
        window = {"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z"}
        data = await api.ok(
            query, {"i": {**window, "businessUnitId": (await ids(api))["payments"]}}
        )
        refs = [d["environmentRef"] for d in data["calendar"]["deployments"]]
        assert f"env-{marker}" in refs
        assert marker in [i["description"] for i in data["calendar"]["incidents"]]
        viewer = await api.ok(query, {"i": window}, as_user="viewer")
        assert f"env-{marker}" in [d["environmentRef"] for d in viewer["calendar"]["deployments"]]
        assert marker not in [i["description"] for i in viewer["calendar"]["incidents"]]


class TestPipelineRunsReportDrift:
    async def test_a_finished_run_with_another_hash_is_drift(
        self, ingress: Ingress, api: Api
    ) -> None:
        from tests.api.test_pipeline_definitions_support import approve, pipeline, register

        made = await pipeline(api)
        version = (await register(api, made["id"]))["definitionVersion"]
        await approve(api, version["id"])
        runs = []
        for digest in (version["contentHash"], "sha256:" + "e" * 64):
            body = cdevent(
                "pipelinerun.finished",
                subject_id=f"run-{uuid.uuid4().hex[:8]}",
                content={"pipelineName": made["key"], "outcome": "success"},
                timestamp=api.runtime.clock.now().isoformat().replace("+00:00", "Z"),
            )
            body["customData"] = {"definitionHash": digest}
            answer = await ingress.post(structured(body), **PAYMENTS)
            assert answer.status_code == 202, answer.text
            runs.append(body["subject"]["id"])
        data = await api.ok(
            """query($id: ID!) { node(id: $id) { ... on Pipeline {
              runs(first: 10) { nodes { runId drift status } } } } }""",
            {"id": made["id"]},
        )
        drift = {n["runId"]: (n["drift"], n["status"]) for n in data["node"]["runs"]["nodes"]}
        assert drift[runs[0]] == ("MATCHES", "SUCCEEDED")
        assert drift[runs[1]][0] in ("DRIFT", "UNKNOWN")

    async def test_a_run_naming_no_pipeline_is_kept_unresolved(
        self, ingress: Ingress, api: Api
    ) -> None:
        body = cdevent(
            "pipelinerun.started",
            content={"pipelineName": "no-such-pipeline", "uri": "https://ci.example/r/1"},
        )
        body["customData"] = {"definitionHash": "sha256:" + "a" * 64}
        answer = await ingress.post(structured(body), **PAYMENTS)
        assert answer.status_code == 202
        assert answer.json()["outcome"] == "unresolved"


class TestAnotherSchemaDirectory:
    async def test_it_replaces_the_shipped_schemas(
        self, ingress: Ingress, api: Api, migrated_url: str
    ) -> None:
        path = STANDARDS / "draft-0.6.0" / "conformance" / "approval_created.json"
        if not path.is_file():
            skip_or_fail(f"the CDEvents draft examples are not at {path.parent}")
        body = load(path)
        body["context"]["id"] = uuid.uuid4().hex
        shipped = await ingress.post(structured(body), **PAYMENTS)
        assert shipped.status_code == 400
        assert shipped.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_SPEC_VERSION"
        async with ingress_with(api, migrated_url, cdevents_schemas_dir=STANDARDS) as other:
            response = await other.post(structured(body), **PAYMENTS)
            assert response.status_code == 202, response.text
            assert response.json()["known"] is True
