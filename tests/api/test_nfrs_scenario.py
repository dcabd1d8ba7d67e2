"""NFRs validated in staging, through GraphQL, as a release manager and CI see them.

- A tier-1 (critical) service inherits its profile's NFRs; a staging run on final staging at
  parity that misses the failover RTO makes the production decision fail the nfrs gate naming
  exactly that NFR, with the figure and the run; a later run that meets it passes the gate.
- End to end: a production promotion refused by nothing but its service's own failover RTO
  (missed in staging) is allowed once a staging run meets it.
- Staging runs come from CDEvents too: a `testsuiterun.finished` carrying `customData.nfr`.
- Every change is in the audit trail; bad input gets a stable code.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, unique
from tests.api.environments_support import digest, environment
from tests.api.evidence_support import cdevent, structured
from tests.api.governance_support import fill_missing, move, release, services
from tests.api.test_promotion_controls_evidence import _snapshot
from tests.api.test_promotion_decision import (
    APPROVE,
    REQUEST,
    SIGN,
    ask,
    by_status,
    scan,
    world,
)

SET = """mutation($i: ServiceNfrsSetInput!) { serviceNfrsSet(input: $i) {
  service { id nfrs { key target source custom } } errors { code field } } }"""
RECORD = """mutation($i: NfrRunRecordInput!) { nfrRunRecord(input: $i) {
  nfrRun { id name artifactVersion figures { key value } environment { key } }
  errors { code field message } } }"""
STATUS = """query($s: ID!, $v: String!, $e: ID!) {
  nfrStatus(serviceId: $s, artifactVersion: $v, environmentId: $e) {
    status reason evidence verdicts { nfr { key } status figure note run { name } } } }"""
TIER_1 = {
    "sustained_rps": 250,
    "latency_p99_ms": 210,
    "error_rate_bp": 3,
    "failover_rto_seconds": 900,
    "failover_rpo_seconds": 20,
    "survives_zone_loss": 1,
}


def ago(api: Api, hours: float) -> str:
    return (api.runtime.clock.now() - timedelta(hours=hours)).isoformat()


async def record(
    api: Api, service: str, env: str, version: str, name: str, figures: dict[str, float]
) -> dict[str, Any]:
    body = await api.gql(
        RECORD,
        {
            "i": {
                "serviceId": service,
                "environmentId": env,
                "artifactVersion": version,
                "name": name,
                "finishedAt": ago(api, 2),
                "figures": [{"key": k, "value": v} for k, v in figures.items()],
            }
        },
        as_user="ci",
    )
    return body["data"]["nfrRunRecord"]  # type: ignore[no-any-return]


async def service_key(api: Api, service: str) -> str:
    found = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { key } } }", {"id": service}
    )
    return str(found["node"]["key"])


async def tier_1_world(api: Api) -> dict[str, Any]:
    """A critical service, a production environment whose final staging is at parity, and a
    submitted release shipping the service."""
    [service] = await services(api, "payments", tier="CRITICAL", regions=["eu-west-1"])
    key = await service_key(api, service)
    domain = unique("domain")
    production = await environment(api, kind="PRODUCTION", region="eu-west-1", productDomain=domain)
    staging = await environment(api, productDomain=domain, finalStaging=True)
    await _snapshot(api, staging, {key: digest(1), "ledger": digest(2)})
    await _snapshot(api, production, {key: digest(3), "ledger": digest(2)})
    rel = await fill_missing(api, await release(api, service_ids=[service], changeTypes=["UI"]))
    moved = await move(api, rel, "Submit")
    return {
        "service": service,
        "env": production,
        "staging": staging,
        "release": moved["release"],
        "version": "2.0.0",
    }


class TestATier1ReleaseIsRefusedForExactlyItsUnmetNfr:
    async def test_failover_rto_missed_then_met_in_final_staging(self, api: Api) -> None:
        w = await tier_1_world(api)
        inherited = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on Service { nfrs { key target source } } } }",
            {"id": w["service"]},
        )
        assert {(n["key"], n["source"]) for n in inherited["node"]["nfrs"]} == {
            (k, "profile:critical") for k in TIER_1
        }
        missed = await record(api, w["service"], w["staging"]["id"], "2.0.0", "chaos-1", TIER_1)
        assert missed["errors"] == [], missed
        refused = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"]
        assert not refused["decision"]["allowed"]
        nfrs = next(g for g in refused["decision"]["gates"] if g["gate"] == "NFRS")
        assert (nfrs["status"], nfrs["reason"]) == (
            "FAILED",
            "S: failover RTO missed: 900 s measured, at most 300 s "
            f"(run 'chaos-1' on {w['staging']['key']}).",
        )
        status = await api.ok(
            STATUS, {"s": w["service"], "v": "2.0.0", "e": w["env"]["id"]}, as_user="viewer"
        )
        verdicts = {v["nfr"]["key"]: v for v in status["nfrStatus"]["verdicts"]}
        assert {k: v["status"] for k, v in verdicts.items() if v["status"] != "MET"} == {
            "failover_rto_seconds": "MISSED"
        }
        assert verdicts["failover_rto_seconds"]["run"] == {"name": "chaos-1"}
        assert status["nfrStatus"]["evidence"]["parityChecked"] is True

        met = await record(
            api, w["service"], w["staging"]["id"], "2.0.0", "chaos-2", {"failover_rto_seconds": 240}
        )
        assert met["errors"] == [], met
        again = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"]
        nfrs = next(g for g in again["decision"]["gates"] if g["gate"] == "NFRS")
        assert nfrs["status"] == "PASSED", nfrs
        status = await api.ok(
            STATUS, {"s": w["service"], "v": "2.0.0", "e": w["env"]["id"]}, as_user="viewer"
        )
        assert status["nfrStatus"]["status"] == "PASSED"
        rto = next(
            v for v in status["nfrStatus"]["verdicts"] if v["nfr"]["key"] == "failover_rto_seconds"
        )
        assert (rto["figure"], rto["run"]) == (240, {"name": "chaos-2"})

    async def test_a_run_outside_final_staging_or_a_drifted_one_does_not_count(
        self, api: Api
    ) -> None:
        w = await tier_1_world(api)
        elsewhere = await environment(api)
        meets = {**TIER_1, "failover_rto_seconds": 100}
        await record(api, w["service"], elsewhere["id"], "2.0.0", "elsewhere", meets)
        status = await api.ok(STATUS, {"s": w["service"], "v": "2.0.0", "e": w["env"]["id"]})
        assert status["nfrStatus"]["status"] == "PENDING"
        assert "not on the final staging environment" in status["nfrStatus"]["reason"]
        await record(api, w["service"], w["staging"]["id"], "2.0.0", "final", meets)
        status = await api.ok(STATUS, {"s": w["service"], "v": "2.0.0", "e": w["env"]["id"]})
        assert status["nfrStatus"]["status"] == "PASSED", status
        key = await service_key(api, w["service"])
        await _snapshot(api, w["env"], {key: digest(3), "ledger": digest(9)})
        status = await api.ok(STATUS, {"s": w["service"], "v": "2.0.0", "e": w["env"]["id"]})
        assert status["nfrStatus"]["status"] == "PENDING"
        assert "not at parity with the target (image_digest)" in status["nfrStatus"]["reason"]


class TestAPromotionRefusedOnlyByAnNfrIsAllowedOnceStagingMeetsIt:
    async def test_end_to_end(self, api: Api) -> None:
        w = await world(api)
        staging = await environment(api)
        declared = await api.ok(
            SET,
            {
                "i": {
                    "serviceId": w["service"],
                    "nfrs": [{"key": "failover_rto_seconds", "target": 300}],
                }
            },
            as_user="engineer",
        )
        assert declared["serviceNfrsSet"]["service"]["nfrs"] == [
            {"key": "failover_rto_seconds", "target": 300, "source": "service", "custom": False}
        ]
        await record(
            api, w["service"], staging["id"], w["version"], "dr-1", {"failover_rto_seconds": 420}
        )
        await scan(api, w, critical=0)
        for requirement, signer in (
            ("data_sovereignty", "legal"),
            ("privacy_impact", "compliance"),
        ):
            body = await api.gql(
                SIGN,
                {"i": {"releaseId": w["release"]["id"], "requirement": requirement}},
                as_user=signer,
            )
            assert body["data"]["signOffGive"]["errors"] == [], body
        assert (await move(api, w["release"], "Approve"))["errors"] == []
        refused = await approved_decision(api, w)
        assert by_status(refused, "FAILED") == {"nfrs"}, refused
        assert by_status(refused, "PENDING") == set()
        nfrs = next(g for g in refused["gates"] if g["gate"] == "NFRS")
        assert nfrs["reason"] == (
            f"S: failover RTO missed: 420 s measured, at most 300 s (run 'dr-1' on {staging['key']})."
        )
        met = await record(
            api, w["service"], staging["id"], w["version"], "dr-2", {"failover_rto_seconds": 180}
        )
        assert met["errors"] == []
        allowed = await approved_decision(api, w)
        assert allowed["allowed"] is True, allowed
        assert by_status(allowed, "PASSED") >= {"nfrs"}


async def approved_decision(api: Api, w: dict[str, Any]) -> dict[str, Any]:
    """The decision of a promotion requested now and approved by two approvers."""
    requested = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"]
    promotion = requested["promotion"]
    for approver in ("eng-approver", "payments-admin"):
        done = (
            await api.ok(
                APPROVE,
                {"i": {"id": promotion["id"], "version": promotion["version"]}},
                as_user=approver,
            )
        )["promotionApprove"]
        promotion = done["promotion"]
    return done["decision"]  # type: ignore[no-any-return]


async def send_test_suite_run(
    api: Api, key: str, env_key: str, results: dict[str, object], tag: str = "3.1.0"
) -> str:
    """CI's `testsuiterun.finished` of the service's build `tag` carrying NFR results; the
    response's text."""
    body = cdevent(
        "testsuiterun.finished",
        subject_id=unique("suite-run"),
        content={
            "outcome": "success",
            "environment": {"id": env_key},
            "testSuite": {"id": "k6", "name": "k6-load"},
        },
        timestamp=ago(api, 1),
    )
    hexes = digest(5).removeprefix("sha256:")
    body["customData"] = {
        "artifactId": f"pkg:oci/{key}@sha256%3A{hexes}?tag={tag}",
        "service": key,
        "nfr": {"environment": env_key, "results": results},
    }
    payload, headers = structured(body)
    headers["authorization"] = f"Bearer {api.token('ci')}"
    response = await api.http.post("/cdevents", content=payload, headers=headers)
    assert response.status_code < 300, response.text
    return response.text


RUNS = """query($id: ID!) { node(id: $id) { ... on Service {
  nfrRuns(artifactVersion: "3.1.0") { nodes { name source figures { key value } } } } } }"""


class TestCiReportsNfrResultsAsCdEvents:
    async def test_a_testsuiterun_finished_with_nfr_results_records_a_staging_run(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        key = await service_key(api, service)
        staging = await environment(api)
        results = {"sustained_rps": 300, "failover_rto_seconds": 90}
        text = await send_test_suite_run(api, key, staging["key"], results)
        assert "NFR results (2) recorded" in text, text
        [run] = (await api.ok(RUNS, {"id": service}))["node"]["nfrRuns"]["nodes"]
        assert run["source"] == "CDEVENTS"
        assert {f["key"]: f["value"] for f in run["figures"]} == {
            "failover_rto_seconds": 90,
            "sustained_rps": 300,
        }

    async def test_results_from_outside_staging_are_unresolved_and_record_nothing(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        key = await service_key(api, service)
        production = await environment(api, kind="PRODUCTION", region="eu-west-1")
        text = await send_test_suite_run(api, key, production["key"], {"peak_rps": 5})
        assert "unresolved" in text and "NFRs are validated in staging" in text, text
        staging = await environment(api)
        text = await send_test_suite_run(api, key, staging["key"], {"peak_rps": "fast"})
        assert "unresolved" in text and "finite number" in text, text
        assert (await api.ok(RUNS, {"id": service}))["node"]["nfrRuns"]["nodes"] == []


class TestBadInputAndTheAuditTrail:
    async def test_bad_input_is_refused_with_a_stable_code_and_changes_are_audited(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        production = await environment(api, kind="PRODUCTION", region="eu-west-1")
        body = await record(api, service, production["id"], "1.0.0", "r", {"peak_rps": 10})
        assert [e["code"] for e in body["errors"]] == ["NOT_A_STAGING_ENVIRONMENT"]
        staging = await environment(api)
        body = await record(api, service, staging["id"], "1.0.0", "r", {"Bad Key": 1})
        assert [e["code"] for e in body["errors"]] == ["INVALID_NFR_KEY"]
        body = await api.gql(
            SET,
            {"i": {"serviceId": service, "nfrs": [{"key": "queue_drain_s", "target": 30}]}},
            as_user="engineer",
        )
        assert [e["code"] for e in body["data"]["serviceNfrsSet"]["errors"]] == [
            "CUSTOM_NFR_INCOMPLETE"
        ]
        made = await record(api, service, staging["id"], "1.0.0", "r", {"peak_rps": 10})
        again = await record(api, service, staging["id"], "1.0.0", "r", {"peak_rps": 11})
        assert [e["code"] for e in again["errors"]] == ["DUPLICATE_RUN"]
        await api.ok(
            SET,
            {
                "i": {
                    "serviceId": service,
                    "nfrs": [
                        {
                            "key": "queue_drain_s",
                            "target": 30,
                            "name": "Queue drain",
                            "unit": "s",
                            "comparison": "AT_MOST",
                        }
                    ],
                }
            },
            as_user="engineer",
        )
        trail = await api.ok(
            """query($e: String) { auditRecords(filter: {entityId: $e}, first: 20) {
              nodes { action } } }""",
            {"e": str(from_global_id(service))},
            as_user="auditor",
        )
        assert "service.nfrs_set" in [n["action"] for n in trail["auditRecords"]["nodes"]]
        run_trail = await api.ok(
            """query($e: String) { auditRecords(filter: {entityId: $e}, first: 5) {
              nodes { action } } }""",
            {"e": str(from_global_id(made["nfrRun"]["id"]))},
            as_user="auditor",
        )
        assert [n["action"] for n in run_trail["auditRecords"]["nodes"]] == ["nfr_run.record"]
