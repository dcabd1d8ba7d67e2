"""Where changes fail through GraphQL (issue 18): on a hand-built ledger of a BU of its own,
flag flips (config) failing 3 of 4 stand out against API deployments failing 1 of 10; the
suggested peer review for config changes becomes, in one step, a draft policy proposal whose
origin is the recorded analysis; approved and applied, it is a versioned guardrail change, and
the guardrail then changes a decision (a config release now needs a peer review) and the
suggestion no longer stands. Refusals store nothing; the CSV says the same as the query."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from api.graphql.relay import from_global_id, to_global_id
from tests.api.conftest import Api
from tests.api.governance_support import audit_actions, release
from tests.api.test_change_failures_support import (
    PROPOSE,
    Spec,
    failures,
    flips_and_deployments,
    history,
    propose_input,
)
from tests.api.test_policy_support import (
    APPLY,
    APPROVE,
    CREATE,
    SUBMIT,
    moved,
    payload,
    proposal_input,
    world,
)

HISTORY = """query($b: ID!) { guardrailHistory(scope: BUSINESS_UNIT, businessUnitId: $b) {
  nodes { version values origin } } }"""
PEER_REVIEW = """query($id: ID!) { node(id: $id) { ... on Release {
  peerReviewRequirement { required changeTypes } } } }"""
ORIGIN = """query($id: ID!) { node(id: $id) { ... on PolicyProposal {
  changeFailureAnalysis { id changeType businessUnit { id } createdBy { username } } } } }"""
LIST = """query($b: ID!) { policyProposals(filter: {businessUnitId: $b}, first: 10) {
  nodes { id } } }"""


def by_type(found: dict[str, Any], change_type: str) -> dict[str, Any]:
    [group] = [g for g in found["byChangeType"] if g["changeType"] == change_type]
    return group


async def proposals(api: Api, bu: str) -> list[dict[str, Any]]:
    return (await api.ok(LIST, {"b": bu}))["policyProposals"]["nodes"]  # type: ignore[no-any-return]


class TestAFlagFlipTypeStandsOut:
    async def test_the_figures_by_type_risk_kind_and_cell_each_opening_to_its_rows(
        self, api: Api
    ) -> None:
        w = await world(api)
        h = await history(api, w, flips_and_deployments())

        found = await failures(api, s={"businessUnitId": w.bu}, since=h.since.isoformat())

        # overall 4 of 14; config 3 of 4 (lift 0.75 / (4/14) = 2.625); api 1 of 10 (0.35)
        assert (found["failureDefinition"], found["factor"], found["minChanges"]) == (
            "INCIDENT",
            1.5,
            4,
        )
        overall = found["overall"]
        assert (overall["changes"], overall["failed"], overall["incidentCount"]) == (14, 4, 4)
        config, api_type = by_type(found, "config"), by_type(found, "api")
        figures = config["figures"]
        assert (figures["changes"], figures["failed"], figures["rate"]) == (4, 3, 0.75)
        assert figures["share"] == pytest.approx(4 / 14)
        assert figures["lift"] == pytest.approx(2.625)
        assert figures["worstSeverity"] == "SEV2"
        assert {s["severity"]: s["incidents"] for s in figures["bySeverity"]} == {
            "SEV1": 0,
            "SEV2": 3,
            "SEV3": 0,
            "SEV4": 0,
            "unknown": 0,
        }
        assert [c["changeId"] for c in figures["failedChanges"]] == [str(i) for i in h.changes[:3]]
        assert {c["kind"] for c in figures["failedChanges"]} == {"FLAG_CHANGE"}
        assert [from_global_id(i, "IncidentReport") for i in figures["incidentIds"]] == (
            h.incidents[:3]
        )
        assert (api_type["figures"]["rate"], api_type["figures"]["lift"]) == (
            0.1,
            pytest.approx(0.35),
        )
        assert "not 1.5 times the overall rate" in api_type["verdict"]
        assert [(g["riskLevel"], g["figures"]["rate"]) for g in found["byRiskLevel"]] == [
            ("low", 0.75),
            ("medium", 0.1),
        ]
        assert [(g["kind"], g["figures"]["changes"]) for g in found["byKind"]] == [
            ("deployment", 10),
            ("flag_change", 4),
        ]
        assert [(c["changeType"], c["riskLevel"]) for c in found["cells"]] == [
            ("api", "medium"),
            ("config", "low"),
        ]

        [stand] = found["standingOut"]
        assert stand["changeType"] == "config" and "stands out" in stand["reason"]
        peer, readiness, coverage = stand["suggestions"]
        assert (peer["control"], peer["scope"], peer["key"]) == (
            "PEER_REVIEW",
            "BUSINESS_UNIT",
            "peer_review_change_types",
        )
        assert peer["current"] == ["payment_logic", "schema_migration"]  # the core's, in force
        assert peer["proposed"] == ["config", "payment_logic", "schema_migration"]
        assert (readiness["control"], readiness["current"], readiness["proposed"]) == (
            "READINESS_REVIEW",
            [],
            ["config"],
        )
        assert (coverage["control"], coverage["current"], coverage["proposed"]) == (
            "TEST_COVERAGE",
            60,
            70,
        )

    async def test_the_failure_definition_switch_changes_the_answer(self, api: Api) -> None:
        w = await world(api)
        specs = [
            *flips_and_deployments(),
            *(Spec("deployment", ("api",), "medium", rolled_back=True) for _ in range(5)),
        ]
        h = await history(api, w, specs)
        scope = {"businessUnitId": w.bu}

        by_incident = await failures(api, s=scope, since=h.since.isoformat())
        by_rollback = await failures(api, s=scope, since=h.since.isoformat(), f="ROLLBACK")

        # incidents: the rolled-back deployments are not counted; config still stands out
        assert by_type(by_incident, "api")["figures"]["changes"] == 10
        assert [s["changeType"] for s in by_incident["standingOut"]] == ["config"]
        # rollbacks: 5 of 15 API deployments failed, no flip did: api 1/3 against 5/19
        api_type = by_type(by_rollback, "api")["figures"]
        assert (api_type["changes"], api_type["failed"]) == (15, 5)
        assert by_rollback["overall"]["rate"] == pytest.approx(5 / 19)
        assert by_rollback["standingOut"] == []  # 1/3 < 1.5 times 5/19

    async def test_a_scope_with_no_changes_has_null_rates(self, api: Api) -> None:
        w = await world(api)

        found = await failures(api, s={"businessUnitId": w.bu})

        assert found["overall"]["rate"] is None and found["overall"]["share"] is None
        assert found["byChangeType"] == [] and found["standingOut"] == []


class TestOneStepToAProposal:
    async def test_proposed_approved_applied_it_changes_a_decision_and_the_suggestion_ends(
        self, api: Api
    ) -> None:
        w = await world(api)
        h = await history(api, w, flips_and_deployments())
        rel = await release(
            api, w.bu, service_ids=w.services, changeTypes=["CONFIG"], as_user="rmo"
        )
        before = (await api.ok(PEER_REVIEW, {"id": rel["id"]}))["node"]["peerReviewRequirement"]
        assert before["required"] is False

        made = payload(await api.gql(PROPOSE, {"i": propose_input(w, h)}, as_user=w.engineer))
        assert made["errors"] == [], made
        draft, analysis = made["policyProposal"], made["analysis"]
        assert (draft["status"], draft["originKind"], draft["originId"]) == (
            "DRAFT",
            "CHANGE_FAILURES",
            analysis["id"],
        )
        assert (draft["targetKind"], draft["scope"], draft["key"]) == (
            "GUARDRAIL",
            "BUSINESS_UNIT",
            "peer_review_change_types",
        )
        assert draft["value"] == ["config", "payment_logic", "schema_migration"]
        assert draft["rationale"].startswith("Require a peer review by a non-author")
        assert draft["proposedBy"] == {"username": w.engineer}
        assert (analysis["changeType"], analysis["control"], analysis["factor"]) == (
            "config",
            "PEER_REVIEW",
            1.5,
        )
        assert analysis["figures"]["type"]["changes"] == 4
        assert analysis["figures"]["type"]["failed"] == 3
        assert analysis["figures"]["overall"]["failed"] == 4
        assert analysis["scope"]["business_unit_id"] == str(from_global_id(w.bu, "BusinessUnit"))
        assert await audit_actions(api, draft["id"]) == ["policy_proposal.create"]
        assert await audit_actions(api, analysis["id"]) == ["change_failure_analysis.record"]
        origin = (await api.ok(ORIGIN, {"id": draft["id"]}))["node"]["changeFailureAnalysis"]
        assert origin == {
            "id": analysis["id"],
            "changeType": "config",
            "businessUnit": {"id": w.bu},
            "createdBy": {"username": w.engineer},
        }
        assert (await api.ok(ORIGIN, {"id": draft["id"]}, as_user="viewer"))["node"] is None

        sent = await moved(api, SUBMIT, draft, as_user=w.engineer)
        approved = await moved(api, APPROVE, sent, as_user=w.admin, reason="Agreed")
        applied = await moved(api, APPLY, approved, as_user=w.admin)
        assert (applied["status"], applied["appliedVersion"]) == ("APPLIED", 1)

        [version] = (await api.ok(HISTORY, {"b": w.bu}))["guardrailHistory"]["nodes"]
        assert version["values"] == {
            "peer_review_change_types": ["config", "payment_logic", "schema_migration"]
        }
        assert version["origin"] == {
            "kind": "policy_proposal",
            "proposal_id": str(from_global_id(draft["id"], "PolicyProposal")),
            "origin_kind": "change_failures",
            "origin_id": str(from_global_id(analysis["id"], "ChangeFailureAnalysis")),
        }
        after = (await api.ok(PEER_REVIEW, {"id": rel["id"]}))["node"]["peerReviewRequirement"]
        assert (after["required"], after["changeTypes"]) == (True, ["CONFIG"])

        found = await failures(api, s={"businessUnitId": w.bu}, since=h.since.isoformat())
        [stand] = found["standingOut"]
        assert [s["control"] for s in stand["suggestions"]] == ["READINESS_REVIEW", "TEST_COVERAGE"]
        again = payload(await api.gql(PROPOSE, {"i": propose_input(w, h)}, as_user=w.engineer))
        assert [e["code"] for e in again["errors"]] == ["SUGGESTION_NO_LONGER_STANDS"]

    async def test_refusals_store_nothing(self, api: Api) -> None:
        w = await world(api)
        h = await history(api, w, flips_and_deployments())

        for extra, code, field in (
            ({"changeType": "API"}, "NOT_STANDING_OUT", "changeType"),
            ({"minChanges": 5}, "NOT_STANDING_OUT", "changeType"),  # config has 4 changes
            ({"factor": 0.5}, "INVALID_FACTOR", "factor"),
            ({"scope": {}}, "BUSINESS_UNIT_REQUIRED", "businessUnitId"),
        ):
            body = await api.gql(PROPOSE, {"i": propose_input(w, h, **extra)}, as_user=w.engineer)
            got = payload(body)
            assert [(e["code"], e["field"]) for e in got["errors"]] == [(code, field)], extra
            assert got["policyProposal"] is None and got["analysis"] is None

        assert await proposals(api, w.bu) == []

    async def test_a_retrospective_proposal_cannot_claim_a_change_failure_origin(
        self, api: Api
    ) -> None:
        w = await world(api)
        fake = to_global_id("ChangeFailureAnalysis", uuid.uuid4())
        body = await api.gql(
            CREATE, {"i": proposal_input(fake, originKind="CHANGE_FAILURES")}, as_user=w.engineer
        )
        assert [e["code"] for e in payload(body)["errors"]] == ["INVALID_ORIGIN"]


class TestTheCsv:
    async def test_one_row_overall_then_by_type_risk_kind_and_cell(self, api: Api) -> None:
        w = await world(api)
        h = await history(api, w, flips_and_deployments())
        bu = str(from_global_id(w.bu, "BusinessUnit"))

        response = await api.http.get(
            "/insights/change-failures.csv",
            params={"businessUnitId": bu, "since": h.since.isoformat()},
            headers={"authorization": f"Bearer {api.token('rmo')}"},
        )

        assert response.status_code == 200, response.text
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["dimension"] for r in rows] == [
            "overall",
            "change_type",
            "change_type",
            "risk_level",
            "risk_level",
            "kind",
            "kind",
            "cell",
            "cell",
        ]
        config = rows[2]
        assert (config["change_type"], config["changes"], config["failed"]) == ("config", "4", "3")
        assert (config["change_failure_rate"], config["incidents_sev2"], config["stands_out"]) == (
            "0.75",
            "3",
            "true",
        )

    async def test_viewers_who_may_not_export_are_refused(self, api: Api) -> None:
        response = await api.http.get(
            "/insights/change-failures.csv",
            headers={"authorization": f"Bearer {api.token('viewer')}"},
        )
        assert response.status_code == 403
