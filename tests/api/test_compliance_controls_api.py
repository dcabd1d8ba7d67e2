"""Emergency bypasses, post-facto reviews and disaster recovery through GraphQL."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api, ids
from tests.api.governance_support import audit_actions, codes, payload, release, services
from tests.api.test_compliance_controls_support import (
    APPROVE,
    PROC_UPDATE,
    REVIEW,
    STATUS,
    TEST_RECORD,
    USE,
    approved,
    iso,
    procedure,
    requested,
    target,
)


class TestTheBypassLifecycle:
    async def test_requested_approved_used_and_reviewed_every_step_audited(self, api: Api) -> None:
        bypass = await approved(api)
        assert (bypass["state"], bypass["gates"]) == ("ACTIVE", ["FREEZE", "TEST_COVERAGE"])
        assert (bypass["requestedBy"]["username"], bypass["decidedBy"]["username"]) == (
            "engineer",
            "approver",
        )
        review = bypass["review"]
        assert (review["overdue"], review["completedAt"]) == (False, None)
        used = payload(
            await api.gql(
                USE,
                {"i": {"bypassId": bypass["id"], "gate": "FREEZE", "environmentId": bypass["env"]}},
                as_user="ci",
            )
        )
        assert used["errors"] == [] and used["use"]["usedBy"] == "ci"
        done = payload(
            await api.gql(
                REVIEW,
                {
                    "i": {
                        "reviewId": review["id"],
                        "version": review["version"],
                        "outcome": "JUSTIFIED",
                        "findings": "The outage was real and the fix was minimal.",
                        "actionItems": ["Add a regression test"],
                    }
                },
                as_user="payments-admin",
            )
        )
        assert done["errors"] == [], done
        assert done["bypassReview"]["reviewer"]["username"] == "payments-admin"
        assert await audit_actions(api, bypass["id"]) == [
            "bypass.request",
            "bypass.approve",
            "bypass.use",
        ]
        assert await audit_actions(api, review["id"]) == [
            "bypass_review.open",
            "bypass_review.complete",
        ]

    async def test_an_emergency_bypass_approved_by_its_own_requester_is_refused(
        self, api: Api
    ) -> None:
        made = await requested(api, as_user="payments-admin")
        bypass = made["bypass"]
        body = await api.gql(
            APPROVE, {"i": {"id": bypass["id"], "version": 1}}, as_user="payments-admin"
        )
        assert codes(body) == ["BYPASS_SELF_APPROVAL"]

    async def test_only_a_hotfix_asks_and_never_longer_than_the_guardrail(self, api: Api) -> None:
        standard = await release(api)
        assert [e["code"] for e in (await requested(api, standard))["errors"]] == [
            "BYPASS_NOT_HOTFIX"
        ]
        too_long = await requested(api, durationHours=25)
        assert [(e["code"], e["field"]) for e in too_long["errors"]] == [
            ("BYPASS_TOO_LONG", "durationHours")
        ]

    async def test_a_bypass_is_used_only_for_its_gates_and_its_target(self, api: Api) -> None:
        bypass = await approved(api)
        other = await target(api)
        for gate, env, code in (
            ("LICENCES", bypass["env"], "GATE_NOT_WAIVED"),
            ("FREEZE", other["id"], "BYPASS_OTHER_TARGET"),
        ):
            body = await api.gql(
                USE, {"i": {"bypassId": bypass["id"], "gate": gate, "environmentId": env}}
            )
            assert codes(body) == [code]

    async def test_another_bu_does_not_see_it(self, api: Api) -> None:
        bypass = await approved(api)
        query = "query($id: ID!) { node(id: $id) { ... on Bypass { id } } }"
        assert (await api.ok(query, {"id": bypass["id"]}))["node"] == {"id": bypass["id"]}
        assert (await api.ok(query, {"id": bypass["id"]}, as_user="retail-admin"))["node"] is None


class TestInternalAudit:
    async def test_reviews_and_statistics_are_listed_per_bu(self, api: Api) -> None:
        bypass = await approved(api)
        payments = (await ids(api))["payments"]
        data = await api.ok(
            """query($bu: ID) { bypassReviews(filter: {businessUnitId: $bu, completed: false}, first: 500) {
              nodes { id overdue bypass { id } businessUnit { key } } } }""",
            {"bu": payments},
            as_user="auditor",
        )
        mine = [n for n in data["bypassReviews"]["nodes"] if n["bypass"]["id"] == bypass["id"]]
        assert [(n["overdue"], n["businessUnit"]["key"]) for n in mine] == [(False, "payments")]
        now = api.runtime.clock.now()
        stats = await api.ok(
            """query($f: DateTime!, $t: DateTime!) { bypassStatistics(from: $f, to: $t) {
              businessUnit { key } requested approved releases rate overdueReviews } }""",
            {"f": iso(now - timedelta(hours=1)), "t": iso(now + timedelta(hours=1))},
            as_user="auditor",
        )
        line = next(s for s in stats["bypassStatistics"] if s["businessUnit"]["key"] == "payments")
        assert line["approved"] >= 1 and line["releases"] >= 1
        assert line["rate"] == line["approved"] / line["releases"]

    async def test_a_reversed_period_is_bad_input(self, api: Api) -> None:
        now = api.runtime.clock.now()
        body = await api.gql(
            "query($f: DateTime!, $t: DateTime!) { bypassStatistics(from: $f, to: $t) { requested } }",
            {"f": iso(now), "t": iso(now - timedelta(days=1))},
        )
        assert body["errors"][0]["extensions"]["reason"] == "INVALID_PERIOD"


class TestDisasterRecovery:
    async def test_procedures_tested_recently_pass_the_gate(self, api: Api) -> None:
        service = (await services(api, "payments"))[0]
        status = (await api.ok(STATUS, {"s": service}))["drStatus"]
        assert (status["gate"], status["status"]) == ("dr_test", "FAILED")
        revert = await procedure(api, service=service)
        restore = await procedure(api, service=service, kind="DATA_RESTORATION", title="Restore")
        when = iso(api.runtime.clock.now() - timedelta(days=3))
        for proc in (revert, restore):
            made = payload(
                await api.gql(
                    TEST_RECORD,
                    {"i": {"procedureId": proc["id"], "performedAt": when, "result": "PASSED"}},
                    as_user="ci",
                )
            )
            assert made["errors"] == [] and made["drTest"]["procedure"]["id"] == proc["id"]
        status = (await api.ok(STATUS, {"s": service}))["drStatus"]
        assert status["status"] == "PASSED", status
        assert {p["kind"] for p in status["procedures"]} == {
            "SERVICE_REVERSION",
            "DATA_RESTORATION",
        }
        assert all(p["lastPassedTest"] for p in status["procedures"])
        assert status["evidence"]["required"] == ["service_reversion", "data_restoration"]
        named = {p["procedureId"] for p in status["evidence"]["procedures"]}
        assert named == {revert["id"], restore["id"]}  # global ids, as GraphQL gives them
        assert await audit_actions(api, revert["id"]) == [
            "dr_procedure.create",
            "dr_procedure.test",
        ]

    async def test_bad_facts_are_refused_with_codes(self, api: Api) -> None:
        proc = await procedure(api)
        future = iso(api.runtime.clock.now() + timedelta(days=1))
        body = await api.gql(
            TEST_RECORD,
            {"i": {"procedureId": proc["id"], "performedAt": future, "result": "FAILED"}},
        )
        assert codes(body) == ["TEST_IN_FUTURE"]
        body = await api.gql(
            PROC_UPDATE, {"i": {"id": proc["id"], "version": 1, "runbookUrl": "notaurl"}}
        )
        assert codes(body) == ["INVALID_RUNBOOK_URL"]
        body = await api.gql(PROC_UPDATE, {"i": {"id": proc["id"], "version": 5, "title": "X"}})
        assert codes(body) == ["VERSION_CONFLICT"]

    async def test_a_services_procedures_and_their_tests_are_listed(self, api: Api) -> None:
        service = (await services(api, "payments"))[0]
        proc = await procedure(api, service=service)
        now = api.runtime.clock.now()
        for days in (30, 10):
            await api.ok(
                TEST_RECORD,
                {
                    "i": {
                        "procedureId": proc["id"],
                        "performedAt": iso(now - timedelta(days=days)),
                        "result": "PASSED",
                        "durationMinutes": days,
                    }
                },
            )
        data = await api.ok(
            """query($s: ID!) { drProcedures(serviceId: $s) { id lastTest { durationMinutes }
              tests(first: 1) { nodes { durationMinutes } pageInfo { hasNextPage } } } }""",
            {"s": service},
        )
        (listed,) = data["drProcedures"]
        assert listed["lastTest"]["durationMinutes"] == 10
        assert listed["tests"]["nodes"] == [{"durationMinutes": 30}]
        assert listed["tests"]["pageInfo"]["hasNextPage"] is True
