"""Policy iteration through GraphQL (issue 18): a team's retrospective proposes a guardrail
change; once submitted, approved by someone else who may change that guardrail, and applied,
it is a versioned guardrail change recording the proposal and the retrospective, and the
guardrail then changes a decision (an incident 30 hours after a change is attributed to it).
The value is judged by the guardrails or risk context (their codes); nothing is stored on a
refusal; the figures before and after the change are shown; every move is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.graphql.relay import from_global_id
from domain.insights import ledger_projection
from tests.api.conftest import Api
from tests.api.governance_support import audit_actions, move, new_bu, release
from tests.api.governance_support import submitted as submitted_release
from tests.api.test_incident_attribution_support import (
    ago,
    attribution,
    change_report,
    incident,
    production,
    swept,
)
from tests.api.test_policy_support import (
    APPLY,
    APPROVE,
    CREATE,
    REJECT,
    SUBMIT,
    World,
    deployed_in,
    moved,
    payload,
    proposal_input,
    proposed,
    retrospective,
    submitted,
    world,
)
from tests.api.test_post_mortem_api import opened

HISTORY = """query($b: ID!) { guardrailHistory(scope: BUSINESS_UNIT, businessUnitId: $b) {
  nodes { version values note origin } } }"""
PROPOSAL = """query($id: ID!) { node(id: $id) { ... on PolicyProposal {
  status appliedVersion originId retrospective { title team { id } } postMortem { title }
  beforeAfter(days: 7) { days dora
    before { deployments incidents bypasses bypassRate complete approvals approvalWaitHours }
    after { deployments incidents bypasses bypassRate complete approvals approvalWaitHours }
  } } } }"""
LIST = """query($b: ID!, $s: PolicyProposalStatus) {
  policyProposals(filter: {businessUnitId: $b, status: $s}, first: 10) { nodes { id status } } }"""


def _at(moment: datetime) -> str:
    return moment.isoformat()


def codes(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload(body)["errors"]]


async def listed(api: Api, bu: str, status: str | None = None) -> list[dict[str, Any]]:
    data = await api.ok(LIST, {"b": bu, "s": status})
    return data["policyProposals"]["nodes"]  # type: ignore[no-any-return]


async def _unattributed_change(api: Api, w: World) -> None:
    """Two changes 30 hours ago: an incident now is beyond the default 24-hour window."""
    for service in w.services:
        await change_report(api, service, ago(api, 30 * 60), as_user="rmo")
    first = await incident(api, w.services[0], "SEV2", as_user="rmo")
    await swept(api)
    found = await attribution(api, first["id"])
    assert found is not None and (found["status"], found["windowHours"]) == ("UNATTRIBUTED", 24)


class TestARetrospectiveProposalBecomesAGuardrailChange:
    async def test_applied_it_is_a_versioned_change_with_its_origin_and_it_changes_attribution(
        self, api: Api
    ) -> None:
        w = await world(api, 2)
        await _unattributed_change(api, w)
        retro = await retrospective(api, w.team, as_user=w.engineer)
        assert retro["team"] == {"id": w.team} and retro["businessUnit"] == {"id": w.bu}

        draft = await proposed(api, retro["id"], as_user=w.engineer)
        assert (draft["status"], draft["originId"], draft["value"]) == ("DRAFT", retro["id"], 48)
        sent = await moved(api, SUBMIT, draft, as_user=w.engineer)
        assert sent["status"] == "SUBMITTED" and sent["submittedAt"]
        approved = await moved(api, APPROVE, sent, as_user=w.admin, reason="Agreed in review")
        assert (approved["status"], approved["decidedBy"]) == ("APPROVED", {"username": w.admin})
        applied = await moved(api, APPLY, approved, as_user=w.admin)
        assert (applied["status"], applied["appliedVersion"]) == ("APPLIED", 1)

        [version] = (await api.ok(HISTORY, {"b": w.bu}))["guardrailHistory"]["nodes"]
        assert version["values"] == {"incident_attribution_window_hours": 48}
        assert version["origin"] == {
            "kind": "policy_proposal",
            "proposal_id": str(from_global_id(draft["id"], "PolicyProposal")),
            "origin_kind": "retrospective",
            "origin_id": str(from_global_id(retro["id"], "Retrospective")),
        }
        assert version["note"].startswith("Policy proposal (retrospective): Our incidents")

        later = await incident(api, w.services[1], "SEV2", as_user="rmo")
        await swept(api)
        found = await attribution(api, later["id"])
        assert found is not None
        assert (found["changeKind"], found["windowHours"]) == ("CONFIGURATION", 48)

        assert await audit_actions(api, draft["id"]) == [
            "policy_proposal.create",
            "policy_proposal.submit",
            "policy_proposal.approve",
            "policy_proposal.apply",
        ]

    async def test_the_proposal_shows_its_origin_and_the_figures_before_and_after(
        self, api: Api
    ) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        sent = await submitted(api, retro["id"], as_user=w.engineer)
        pending = (await api.ok(PROPOSAL, {"id": sent["id"]}))["node"]
        assert (pending["status"], pending["beforeAfter"]) == ("SUBMITTED", None)
        env = await production(api, w.bu)
        await deployed_in(api, w, env, ago(api, 3 * 1440))
        await incident(api, w.services[0], "SEV3", as_user="rmo", detectedAt=_at(ago(api, 2880)))
        applied = await moved(
            api, APPLY, await moved(api, APPROVE, sent, as_user=w.admin), as_user=w.admin
        )
        for severity in ("SEV3", "SEV4"):  # detected now: after the change was applied
            await incident(api, w.services[0], severity, as_user="rmo")
        await deployed_in(api, w, env, api.runtime.clock.now())
        rel = await release(api, w.bu, service_ids=[w.services[0]], as_user="rmo")
        sent_release = await submitted_release(api, rel, as_user="rmo")
        decided = await move(api, sent_release, "Reject", as_user=w.admin, reason="Too big")
        assert decided["errors"] == [], decided

        since = api.runtime.clock.now() - timedelta(days=30)
        await api.runtime.units.run(lambda uow: ledger_projection.catch_up(uow, since=since))
        node = (await api.ok(PROPOSAL, {"id": applied["id"]}))["node"]
        assert node["retrospective"] == {"title": retro["title"], "team": {"id": w.team}}
        assert node["postMortem"] is None
        figures = node["beforeAfter"]
        dora = figures["dora"]
        assert figures["days"] == 7
        # DORA from the ledger: the deployment before failed (an incident two days later), the
        # one after not yet.
        assert (dora["before"]["deployments"], dora["before"]["changeFailureRate"]) == (1, 1.0)
        assert (dora["after"]["deployments"], dora["after"]["changeFailureRate"]) == (1, 0.0)
        assert figures["before"] == {
            "deployments": 1,
            "incidents": 1,
            "bypasses": 0,
            "bypassRate": 0.0,
            "complete": True,
            "approvals": 0,
            "approvalWaitHours": None,
        }
        after = figures["after"]
        assert (after["deployments"], after["incidents"], after["complete"]) == (1, 2, False)
        assert after["approvals"] == 1 and after["approvalWaitHours"] is not None

        assert [p["id"] for p in await listed(api, w.bu, "APPLIED")] == [applied["id"]]
        assert await listed(api, w.bu, "DRAFT") == []


class TestTheLowerContextJudgesTheValue:
    async def test_a_bu_proposal_loosening_the_core_is_refused_with_the_guardrails_code(
        self, api: Api
    ) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        body = await api.gql(
            CREATE,
            {"i": proposal_input(retro["id"], value=12)},
            as_user=w.engineer,
        )
        [error] = payload(body)["errors"]
        assert error["code"] == "GUARDRAIL_LOOSER_THAN_CORE"
        assert "errorCode" not in error, "typed by the guardrails' own error type"
        assert await listed(api, w.bu) == [], "nothing stored"

    async def test_an_unknown_guardrail_a_bad_level_and_a_missing_rationale_are_refused(
        self, api: Api
    ) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        for extra, expected in (
            ({"key": "no_such_guardrail"}, ("UNKNOWN_GUARDRAIL", "no_such_guardrail")),
            ({"targetKind": "RISK_THRESHOLD", "key": "low"}, ("UNKNOWN_RISK_LEVEL", "key")),
            (
                {"targetKind": "RISK_THRESHOLD", "key": "high", "value": "x"},
                ("INVALID_PROPOSED_VALUE", "value"),
            ),
            ({"scope": "TIER"}, ("UNKNOWN_TIER", "tier")),
            ({"rationale": "  "}, ("RATIONALE_REQUIRED", "rationale")),
        ):
            body = await api.gql(CREATE, {"i": proposal_input(retro["id"], **extra)})
            assert codes(body) == [expected], (extra, body)
        assert await listed(api, w.bu) == []

    async def test_a_bu_risk_threshold_is_applied_through_the_risk_mapping_with_its_origin(
        self, api: Api
    ) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        looser = await api.gql(
            CREATE,
            {"i": proposal_input(retro["id"], targetKind="RISK_THRESHOLD", key="high", value=99)},
        )
        assert [c for c, _ in codes(looser)] == ["RISK_MAPPING_LOOSER_THAN_CORE"]
        sent = await submitted(
            api, retro["id"], as_user=w.engineer, targetKind="RISK_THRESHOLD", key="high", value=12
        )
        applied = await moved(
            api, APPLY, await moved(api, APPROVE, sent, as_user=w.admin), as_user=w.admin
        )
        assert applied["appliedVersion"] == 1
        data = await api.ok(
            "query($b: ID!) { riskMapping(businessUnitId: $b) { overlayVersion "
            "thresholds { level minScore } } }",
            {"b": w.bu},
        )
        mapping = data["riskMapping"]
        assert mapping["overlayVersion"] == 1
        assert {"level": "HIGH", "minScore": 12.0} in mapping["thresholds"]
        audit = await api.ok(
            """query($b: ID!) { auditRecords(filter: {businessUnitId: $b, entityType:
              "risk_mapping"}, first: 5) { nodes { action after } } }""",
            {"b": w.bu},
            as_user="auditor",
        )
        [record] = audit["auditRecords"]["nodes"]
        assert record["action"] == "risk_mapping.update"
        assert record["after"]["origin"]["proposal_id"] == str(
            from_global_id(sent["id"], "PolicyProposal")
        )


class TestTheLifecycleAndSegregationOfDuties:
    async def test_nobody_approves_or_rejects_their_own_proposal(self, api: Api) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        sent = await submitted(api, retro["id"], as_user=w.admin)
        for mutation, reason in ((APPROVE, ""), (REJECT, "no")):
            body = await api.gql(
                mutation,
                {"i": {"id": sent["id"], "version": sent["version"], "reason": reason}},
                as_user=w.admin,
            )
            assert codes(body) == [("SELF_APPROVAL", "id")]
        assert [p["status"] for p in await listed(api, w.bu)] == ["SUBMITTED"]

    async def test_a_rejection_needs_a_reason_and_ends_the_proposal(self, api: Api) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        sent = await submitted(api, retro["id"], as_user=w.engineer)
        move = {"id": sent["id"], "version": sent["version"]}
        body = await api.gql(REJECT, {"i": move}, as_user=w.admin)
        assert codes(body) == [("REASON_REQUIRED", "reason")]
        rejected = await moved(api, REJECT, sent, as_user=w.admin, reason="Fix the alerts first")
        assert (rejected["status"], rejected["decisionReason"]) == (
            "REJECTED",
            "Fix the alerts first",
        )
        body = await api.gql(APPLY, {"i": {"id": sent["id"], "version": rejected["version"]}})
        assert codes(body) == [("PROPOSAL_NOT_APPROVED", "id")]
        data = await api.ok(HISTORY, {"b": w.bu})
        assert data["guardrailHistory"]["nodes"] == [], "nothing applied"

    async def test_out_of_order_moves_and_stale_versions_are_refused(self, api: Api) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        draft = await proposed(api, retro["id"], as_user=w.engineer)
        body = await api.gql(APPROVE, {"i": {"id": draft["id"], "version": 1}}, as_user=w.admin)
        assert codes(body) == [("PROPOSAL_NOT_SUBMITTED", "id")]
        body = await api.gql(SUBMIT, {"i": {"id": draft["id"], "version": 7}}, as_user=w.engineer)
        assert codes(body) == [("VERSION_CONFLICT", "version")]

    async def test_a_retrospective_in_the_future_is_refused_and_not_stored(self, api: Api) -> None:
        w = await world(api)
        tomorrow = (api.runtime.clock.now() + timedelta(days=2)).date().isoformat()
        body = await api.gql(
            "mutation($i: RetrospectiveRecordInput!) { retrospectiveRecord(input: $i) { "
            "retrospective { id } errors { code field } } }",
            {"i": {"teamId": w.team, "heldOn": tomorrow, "title": "Later"}},
        )
        assert codes(body) == [("HELD_IN_FUTURE", "heldOn")]
        data = await api.ok(
            "query($t: ID!) { retrospectives(filter: {teamId: $t}) { nodes { id } } }",
            {"t": w.team},
        )
        assert data["retrospectives"]["nodes"] == []


class TestAPostMortemProposesToo:
    async def test_a_post_mortem_proposal_names_it_and_a_retrospective_id_is_not_one(
        self, api: Api
    ) -> None:
        bu = await new_bu(api)
        pm = (await opened(api, bu))["pm"]
        made = await proposed(
            api,
            pm["id"],
            originKind="POST_MORTEM",
            key="min_approvers.production",
            value=3,
            rationale="A second pair of eyes would have caught the pool size.",
        )
        assert (made["originKind"], made["originId"]) == ("POST_MORTEM", pm["id"])
        node = (await api.ok(PROPOSAL, {"id": made["id"]}))["node"]
        assert (node["postMortem"], node["retrospective"]) == ({"title": pm["title"]}, None)
        wrong = await api.gql(CREATE, {"i": proposal_input(pm["id"])})
        assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", wrong
        assert [p["id"] for p in await listed(api, bu)] == [made["id"]]


class TestApplyingChecksTheValueAgain:
    async def test_a_value_the_bus_set_outgrew_is_refused_and_nothing_is_stored(
        self, api: Api
    ) -> None:
        w = await world(api)
        retro = await retrospective(api, w.team)
        denied = ["AGPL-3.0-only", "AGPL-3.0-or-later", "MIT", "SSPL-1.0"]
        deny = await submitted(
            api, retro["id"], as_user=w.engineer, key="denied_licences", value=denied
        )
        allow = await submitted(
            api, retro["id"], as_user=w.engineer, key="allowed_licences", value=["MIT"]
        )
        allow = await moved(api, APPROVE, allow, as_user=w.admin)
        await moved(api, APPLY, await moved(api, APPROVE, deny, as_user=w.admin), as_user=w.admin)

        body = await api.gql(
            APPLY, {"i": {"id": allow["id"], "version": allow["version"]}}, as_user=w.admin
        )
        [error] = payload(body)["errors"]
        assert (error["code"], error["field"]) == ("LICENCE_ALLOWED_AND_DENIED", "allowed_licences")
        assert [p["status"] for p in await listed(api, w.bu)] == ["APPLIED", "APPROVED"]
        versions = (await api.ok(HISTORY, {"b": w.bu}))["guardrailHistory"]["nodes"]
        assert [v["version"] for v in versions] == [1], "the refused save left no version"
