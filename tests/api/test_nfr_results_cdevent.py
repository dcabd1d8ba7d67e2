"""NFR results through Signalbox's custom CDEvent `dev.cdeventsx.<producer>-nfrresults.reported.
0.1.x` (domain.pipelines.cdevents_nfr): a staging run of a service's artifact version recorded
through the same readiness use case as `nfrRunRecord`, audited; results that cannot be recorded
leave the event UNRESOLVED with the reason and record nothing."""

from __future__ import annotations

from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, unique
from tests.api.environments_support import digest, environment
from tests.api.evidence_support import structured
from tests.api.governance_support import services
from tests.api.test_nfrs_scenario import ago, service_key

TYPE = "dev.cdeventsx.k6-nfrresults.reported.0.1.0"
RUNS = """query($id: ID!, $v: String!) { node(id: $id) { ... on Service {
  nfrRuns(artifactVersion: $v) { nodes { id name source url figures { key value }
    environment { key } } } } } }"""
TRAIL = """query($e: String) { auditRecords(filter: {entityId: $e}, first: 5) {
  nodes { action } } }"""


def nfr_event(
    api: Api, run: str, content: dict[str, Any], event_type: str = TYPE
) -> dict[str, Any]:
    return {
        "context": {
            "specversion": "0.5.1",
            "id": unique("evt"),
            "source": "/ci/k6",
            "type": event_type,
            "timestamp": ago(api, 1),
        },
        "subject": {"id": run, "source": "/ci/k6", "content": content},
    }


async def send(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    payload, headers = structured(body)
    headers["authorization"] = f"Bearer {api.token('ci')}"
    response = await api.http.post("/cdevents", content=payload, headers=headers)
    assert response.status_code < 300, response.text
    return response.json()  # type: ignore[no-any-return]


async def runs(api: Api, service: str, version: str) -> list[dict[str, Any]]:
    found = await api.ok(RUNS, {"id": service, "v": version})
    return found["node"]["nfrRuns"]["nodes"]  # type: ignore[no-any-return]


class TestTheCustomNfrResultsEvent:
    async def test_records_a_staging_run_of_the_version_audited(self, api: Api) -> None:
        [service] = await services(api, "payments")
        key = await service_key(api, service)
        staging = await environment(api)
        run = unique("k6-run")
        content = {
            "service": key,
            "version": "4.2.0",
            "environment": staging["key"],
            "results": {"sustained_rps": 320, "latency_p99_ms": 180},
            "url": "https://ci.example.com/k6/42",
        }
        answer = await send(api, nfr_event(api, run, content))
        assert answer["known"] is True, answer
        assert answer["outcome"] == "processed", answer
        assert answer["note"] == f"NFR results (2) recorded for {staging['key']}."
        [recorded] = await runs(api, service, "4.2.0")
        assert (recorded["name"], recorded["source"]) == (run, "CDEVENTS")
        assert recorded["environment"]["key"] == staging["key"]
        assert recorded["url"] == "https://ci.example.com/k6/42"
        assert {f["key"]: f["value"] for f in recorded["figures"]} == {
            "sustained_rps": 320,
            "latency_p99_ms": 180,
        }
        trail = await api.ok(TRAIL, {"e": str(from_global_id(recorded["id"]))}, as_user="auditor")
        assert [n["action"] for n in trail["auditRecords"]["nodes"]] == ["nfr_run.record"]

    async def test_a_package_url_names_the_service_and_version(self, api: Api) -> None:
        [service] = await services(api, "payments")
        key = await service_key(api, service)
        staging = await environment(api)
        hexes = digest(7).removeprefix("sha256:")
        content = {
            "artifactId": f"pkg:oci/{key}@sha256%3A{hexes}?tag=5.0.1",
            "environment": {"id": staging["key"]},
            "results": {"failover_rto_seconds": 60},
        }
        answer = await send(api, nfr_event(api, unique("run"), content))
        assert answer["outcome"] == "processed", answer
        [recorded] = await runs(api, service, "5.0.1")
        assert recorded["figures"] == [{"key": "failover_rto_seconds", "value": 60}]


class TestResultsThatCannotBeRecorded:
    async def test_leave_the_event_unresolved_with_the_reason_and_record_nothing(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        key = await service_key(api, service)
        staging = await environment(api)
        production = await environment(api, kind="PRODUCTION", region="eu-west-1")
        good = {"service": key, "version": "6.0.0", "environment": staging["key"]}
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({**good, "results": {"peak_rps": "fast"}}, TYPE, "finite number"),
            ({**good, "results": {"Bad Key": 1}}, TYPE, "NFR results not recorded"),
            ({**good, "results": [1, 2]}, TYPE, "subject.content.results"),
            (
                {**good, "environment": production["key"], "results": {"peak_rps": 5}},
                TYPE,
                "NFRs are validated in staging",
            ),
            (
                {**good, "environment": "nowhere", "results": {"peak_rps": 5}},
                TYPE,
                "no environment 'nowhere'",
            ),
            (
                {**good, "service": "no-such-service", "results": {"peak_rps": 5}},
                TYPE,
                "No service 'no-such-service'",
            ),
            ({"environment": staging["key"], "results": {"peak_rps": 5}}, TYPE, "No service named"),
            (
                {**good, "version": None, "results": {"peak_rps": 5}},
                TYPE,
                "No artifact version named",
            ),
            (
                {**good, "results": {"peak_rps": 5}},
                "dev.cdeventsx.k6-nfrresults.reported.0.2.0",
                "Signalbox reads 0.1.x",
            ),
        ]
        for content, event_type, reason in cases:
            answer = await send(api, nfr_event(api, unique("run"), content, event_type))
            assert (answer["known"], answer["outcome"]) == (True, "unresolved"), answer
            assert reason in answer["note"], (reason, answer)
        assert await runs(api, service, "6.0.0") == []

    async def test_the_same_run_twice_records_it_once(self, api: Api) -> None:
        [service] = await services(api, "payments")
        key = await service_key(api, service)
        staging = await environment(api)
        content = {
            "service": key,
            "version": "7.0.0",
            "environment": staging["key"],
            "results": {"peak_rps": 500},
        }
        assert (await send(api, nfr_event(api, "run-7", content)))["outcome"] == "processed"
        again = await send(api, nfr_event(api, "run-7", {**content, "results": {"peak_rps": 9}}))
        assert again["outcome"] == "unresolved" and "not recorded" in again["note"], again
        [recorded] = await runs(api, service, "7.0.0")
        assert recorded["figures"] == [{"key": "peak_rps", "value": 500}]

    async def test_another_custom_type_is_still_stored_and_ignored(self, api: Api) -> None:
        body = nfr_event(api, "r", {}, "dev.cdeventsx.k6-loadtest.reported.0.1.0")
        answer = await send(api, body)
        assert (answer["known"], answer["outcome"]) == (False, "ignored"), answer
