"""The promotion decision end to end: "may artifact A@V of service S go to production now?"

One world per test: a new team and service (internal tier, personal data in the EU, so the
EU sign-off rules apply) that is onboarded, has tested DR procedures and an active, reviewed
pipeline whose definition CI ran; a production environment; a release shipping the service.
Each test then breaks or fixes exactly what it is about.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, ids, unique
from tests.api.environments_support import environment
from tests.api.governance_support import SIGN, fill_missing, move, release, services

ASK = """query($i: PromotionAskInput!) { promotionDecision(input: $i) {
  allowed exitCode summary riskLevel gates { gate status reason evidence waivedBy { id } } } }"""
REQUEST = """mutation($i: PromotionAskInput!) { promotionRequest(input: $i) {
  promotion { id version status summary }
  decision { allowed exitCode summary gates { gate status reason waivedBy { id } } }
  errors { code message field } } }"""
APPROVE = """mutation($i: PromotionApproveInput!) { promotionApprove(input: $i) {
  promotion { id version status }
  decision { allowed exitCode summary gates { gate status reason } }
  errors { code message field } } }"""
DEFINITION = "stages:\n  - name: prod\n    environment_kind: production\n    gates: [freeze]\n"


def iso(api: Api, hours: float) -> str:
    return (api.runtime.clock.now() + timedelta(hours=hours)).isoformat()


async def _onboard(api: Api, team_id: str) -> None:
    for item in ("LOGGING", "MONITORING", "ALERTING", "CI_PIPELINE", "RUNBOOK", "ON_CALL"):
        await api.ok(
            """mutation($i: TeamOnboardingItemCompleteInput!) {
              teamOnboardingItemComplete(input: $i) { errors { code } } }""",
            {
                "i": {
                    "teamId": team_id,
                    "item": item,
                    "version": 0,
                    "evidenceUrl": "https://x.example/e",
                }
            },
            as_user="payments-admin",
        )


async def _dr(api: Api, service_id: str, team_id: str) -> None:
    for kind in ("SERVICE_REVERSION", "DATA_RESTORATION"):
        made = await api.ok(
            """mutation($i: DrProcedureCreateInput!) { drProcedureCreate(input: $i) {
              drProcedure { id } errors { code } } }""",
            {
                "i": {
                    "serviceId": service_id,
                    "kind": kind,
                    "title": f"{kind} drill",
                    "runbookUrl": "https://runbooks.example/x",
                    "ownerTeamId": team_id,
                }
            },
            as_user="sre",
        )
        await api.ok(
            """mutation($i: DrTestRecordInput!) { drTestRecord(input: $i) { errors { code } } }""",
            {
                "i": {
                    "procedureId": made["drProcedureCreate"]["drProcedure"]["id"],
                    "performedAt": iso(api, -24),
                    "result": "PASSED",
                }
            },
            as_user="sre",
        )


async def _pipeline(api: Api, team_id: str, service_id: str, definition: str) -> None:
    made = await api.ok(
        """mutation($i: PipelineCreateInput!) { pipelineCreate(input: $i) {
          pipeline { id } errors { code } } }""",
        {
            "i": {
                "teamId": team_id,
                "key": unique("deploy"),
                "name": "Deploy",
                "serviceIds": [service_id],
            }
        },
        as_user="engineer",
    )
    pid = made["pipelineCreate"]["pipeline"]["id"]
    registered = await api.ok(
        """mutation($i: PipelineDefinitionRegisterInput!) { pipelineDefinitionRegister(input: $i) {
          definitionVersion { id contentHash } errors { code } } }""",
        {"i": {"pipelineId": pid, "source": definition}},
        as_user="engineer",
    )
    version = registered["pipelineDefinitionRegister"]["definitionVersion"]
    await api.ok(
        """mutation($i: PipelineDefinitionReviewInput!) { pipelineDefinitionReview(input: $i) {
          errors { code } } }""",
        {"i": {"versionId": version["id"], "verdict": "APPROVE"}},
        as_user="sre",
    )
    await api.ok(
        """mutation($i: PipelineRunReportInput!) { pipelineRunReport(input: $i) {
          run { drift } errors { code } } }""",
        {
            "i": {
                "pipelineId": pid,
                "runId": unique("run"),
                "definitionHash": version["contentHash"],
                "status": "SUCCEEDED",
                "startedAt": iso(api, -1),
                "finishedAt": iso(api, -0.5),
            }
        },
        as_user="ci",
    )


async def scan(api: Api, world: dict[str, Any], critical: int) -> None:
    artifact = {
        "serviceId": world["service"],
        "name": "app",
        "version": world["version"],
        "digest": world["digest"],
    }
    for mutation, kind, values in (
        (
            "evidenceSecurityScanReport",
            "EvidenceSecurityScanInput",
            {"scanner": "trivy", "critical": critical, "high": 0},
        ),
        (
            "evidenceTestRunReport",
            "EvidenceTestRunInput",
            {"suite": "unit", "passed": 120, "failed": 0, "coveragePercent": 91},
        ),
        (
            "evidenceTestRunReport",
            "EvidenceTestRunInput",
            {"suite": "integration", "passed": 40, "failed": 0},
        ),
    ):
        body = await api.gql(
            f"mutation($i: {kind}!) {{ {mutation}(input: $i) {{ errors {{ code field }} }} }}",
            {"i": {"artifact": artifact, **values}},
            as_user="ci",
        )
        assert body["data"][mutation]["errors"] == [], body


async def world(
    api: Api, definition: str = DEFINITION, **environment_values: Any
) -> dict[str, Any]:
    [service_id] = await services(api, "payments", data="PERSONAL", regions=["eu-west-1"])
    team = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { key team { id } } } }",
        {"id": service_id},
    )
    team_id = team["node"]["team"]["id"]
    await _onboard(api, team_id)
    await _dr(api, service_id, team_id)
    await _pipeline(api, team_id, service_id, definition)
    env = await environment(
        api, kind="PRODUCTION", region="eu-west-1", name="Production", **environment_values
    )
    rel = await fill_missing(api, await release(api, service_ids=[service_id], changeTypes=["UI"]))
    moved = await move(api, rel, "Submit")
    assert moved["errors"] == [], moved
    digest = "sha256:" + unique("d").split("-")[1].ljust(64, "a")
    w = {
        "service": service_id,
        "serviceKey": team["node"]["key"],
        "env": env,
        "release": moved["release"],
        "version": f"1.0.{unique('v').split('-')[1][:4]}",
        "digest": digest,
    }
    return w


def ask(w: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {
        "serviceId": w["service"],
        "environmentId": w["env"]["id"],
        "artifactVersion": w["version"],
        "releaseId": w["release"]["id"],
        **kw,
    }


def by_status(decision: dict[str, Any], status: str) -> set[str]:
    return {g["gate"].lower() for g in decision["gates"] if g["status"] == status}


async def freeze_now(api: Api, env_key: str) -> dict[str, Any]:
    rmo = await api.ok("{ people(first: 500) { nodes { id username } } }")
    rmo_id = next(n["id"] for n in rmo["people"]["nodes"] if n["username"] == "rmo")
    made = await api.ok(
        """mutation($i: FreezeProposeInput!) { freezePropose(input: $i) {
          freeze { id version } errors { code } } }""",
        {
            "i": {
                "title": unique("Payments change freeze"),
                "scope": "ENVIRONMENTS",
                "businessUnitId": (await ids(api))["payments"],
                "environments": [env_key],
                "startsAt": iso(api, -1),
                "endsAt": iso(api, 6),
                "stakeholderIds": [rmo_id],
            }
        },
    )
    freeze = made["freezePropose"]["freeze"]
    approved = await api.ok(
        """mutation($i: FreezeDecisionInput!) { freezeApprove(input: $i) {
          freeze { id version status } errors { code } } }""",
        {"i": {"id": freeze["id"]}},
    )
    return approved["freezeApprove"]["freeze"]  # type: ignore[no-any-return]


class TestAProductionPromotionListsExactlyItsFailingGates:
    async def test_refused_for_a_critical_vulnerability_a_missing_sign_off_and_a_freeze_then_allowed(
        self, api: Api
    ) -> None:
        w = await world(api)
        freeze = await freeze_now(api, w["env"]["key"])
        await scan(api, w, critical=2)
        decision = (await api.ok(ASK, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
        assert not decision["allowed"] and decision["exitCode"] == 1
        assert by_status(decision, "FAILED") == {"security_scan", "sign_offs", "freeze"}, decision
        assert by_status(decision, "PENDING") == {"approvals", "release_status"}
        reasons = {g["gate"].lower(): g["reason"] for g in decision["gates"]}
        assert "2 open critical" in reasons["security_scan"]
        assert "data_sovereignty" in reasons["sign_offs"]

        # Fix each, one by one.
        await scan(api, w, critical=0)
        await api.ok(
            """mutation($i: FreezeRetireInput!) { freezeRetire(input: $i) { errors { code } } }""",
            {"i": {"id": freeze["id"], "version": freeze["version"]}},
        )
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
        approved = await move(api, w["release"], "Approve")
        assert approved["errors"] == [], approved
        requested = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"]
        assert by_status(requested["decision"], "FAILED") == set()
        assert by_status(requested["decision"], "PENDING") == {"approvals"}
        promotion = requested["promotion"]
        assert promotion["status"] == "WAITING"
        for approver in ("eng-approver", "payments-admin"):
            done = (
                await api.ok(
                    APPROVE,
                    {"i": {"id": promotion["id"], "version": promotion["version"]}},
                    as_user=approver,
                )
            )["promotionApprove"]
            promotion = done["promotion"]
        assert done["decision"]["allowed"] is True, done["decision"]
        assert done["decision"]["exitCode"] == 0
        assert promotion["status"] == "ALLOWED"
        trail = await api.ok(
            """query($e: String) { auditRecords(filter: {entityId: $e}, first: 20) {
              nodes { action after } } }""",
            {"e": str(from_global_id(promotion["id"]))},
            as_user="auditor",
        )
        recorded = [(n["action"], n["after"]["decision"]) for n in trail["auditRecords"]["nodes"]]
        assert [a for a, _ in recorded] == [
            "promotion.request",
            "promotion.decide",
            "promotion.decide",
        ]
        assert recorded[-1][1]["allowed"] is True
        # nfrs, data migrations, the readiness review and downtime notices (issue 16) joined release status
        assert len(recorded[-1][1]["gates"]) == len(done["decision"]["gates"]) == 25
        pack = await api.ok(
            """mutation($i: ReleaseEvidencePackExportInput!) {
              releaseEvidencePackExport(input: $i) { pack errors { code } } }""",
            {"i": {"releaseId": w["release"]["id"]}},
            as_user="auditor",
        )
        kinds = [i["kind"] for i in pack["releaseEvidencePackExport"]["pack"]["items"]]
        assert "promotion_decision" in kinds and kinds.count("approval") >= 3


class TestSegregationOfDutiesCoversTheWholeChain:
    async def test_the_approver_who_authored_a_commit_in_the_change_is_refused(
        self, api: Api
    ) -> None:
        w = await world(api)
        changes = [{"ref": "a1b2c3d", "authors": ["approver"], "reviewers": ["sre"]}]
        requested = (await api.ok(REQUEST, {"i": ask(w, changes=changes)}, as_user="engineer"))[
            "promotionRequest"
        ]
        promotion = requested["promotion"]
        for who, code in (("approver", "SOD_AUTHOR"), ("engineer", "SOD_REQUESTER")):
            body = await api.gql(
                APPROVE,
                {"i": {"id": promotion["id"], "version": promotion["version"]}},
                as_user=who,
            )
            if who == "engineer":  # engineers may not approve at all
                assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
                continue
            assert [e["code"] for e in body["data"]["promotionApprove"]["errors"]] == [code]
        allowed = await api.gql(
            APPROVE,
            {"i": {"id": promotion["id"], "version": promotion["version"]}},
            as_user="payments-admin",
        )
        assert allowed["data"]["promotionApprove"]["errors"] == []


class TestABypassWaivesExactlyTheNamedGates:
    async def test_the_decision_says_which_gates_were_waived_and_by_what(self, api: Api) -> None:
        w = await world(api)
        hotfix = await fill_missing(
            api,
            await release(
                api, service_ids=[w["service"]], changeTypes=["UI"], releaseType="HOTFIX"
            ),
        )
        w["release"] = (await move(api, hotfix, "Submit"))["release"]
        await freeze_now(api, w["env"]["key"])
        await scan(api, w, critical=3)
        made = await api.ok(
            """mutation($i: BypassRequestInput!) { bypassRequest(input: $i) {
              bypass { id version } errors { code } } }""",
            {
                "i": {
                    "releaseId": w["release"]["id"],
                    "environmentId": w["env"]["id"],
                    "gates": ["FREEZE", "SECURITY_SCAN"],
                    "justification": "Card payments fail for some customers; this cannot wait.",
                    "incidentReference": "INC-4711",
                    "durationHours": 4,
                }
            },
            as_user="engineer",
        )
        bypass = made["bypassRequest"]["bypass"]
        await api.ok(
            """mutation($i: BypassDecideInput!) { bypassApprove(input: $i) { errors { code } } }""",
            {"i": {"id": bypass["id"], "version": bypass["version"]}},
            as_user="approver",
        )
        decision = (await api.ok(ASK, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
        waived = {g["gate"].lower(): g for g in decision["gates"] if g["status"] == "WAIVED"}
        assert set(waived) == {"freeze", "security_scan"}
        assert all(g["waivedBy"]["id"] == bypass["id"] for g in waived.values())
        assert "sign_offs" in by_status(decision, "FAILED")  # not named, so not waived
        blocking = decision["summary"].split("block: ")[1]
        assert "freeze" not in blocking and "security_scan" not in blocking


class TestTheMachineEndpointAnswersCi:
    async def test_one_call_with_an_exit_code(self, api: Api) -> None:
        w = await world(api)
        headers = {"authorization": f"Bearer {api.token('ci')}"}
        params = {
            "service": w["serviceKey"],
            "environment": w["env"]["key"],
            "version": w["version"],
        }
        asked = await api.http.get("/decisions", params=params, headers=headers)
        assert asked.status_code == 200, asked.text
        body = asked.json()
        assert body["allowed"] is False and body["exitCode"] in (1, 2)
        assert {g["gate"] for g in body["gates"]} >= {"freeze", "security_scan", "approvals"}
        missing = await api.http.get(
            "/decisions", params={**params, "service": "nope"}, headers=headers
        )
        assert missing.status_code == 404
        bad = await api.http.get("/decisions", params={"service": "x"}, headers=headers)
        assert bad.status_code == 400
        posted = await api.http.post(
            "/decisions", json={**params, "release": None}, headers=headers
        )
        assert posted.status_code == 201, posted.text
        assert posted.json()["promotionId"]


class TestADelegationPoolSuppliesApprovers:
    async def test_a_delegate_from_the_guardrails_may_approve_and_nobody_else_without_a_role(
        self, api: Api
    ) -> None:
        from tests.api.governance_support import person

        w = await world(api)
        delegate = await person(api, role="viewer")
        outsider = await person(api, role="viewer")
        payments = (await ids(api))["payments"]
        current = await api.ok(
            "query($b: ID!) { guardrailSet(businessUnitId: $b) { version } }", {"b": payments}
        )
        saved = await api.ok(
            """mutation($i: GuardrailBusinessUnitUpdateInput!) {
              guardrailBusinessUnitUpdate(input: $i) { errors { code field } } }""",
            {
                "i": {
                    "businessUnitId": payments,
                    "values": {"approval_delegates": [delegate["username"]]},
                    "version": current["guardrailSet"]["version"],
                    "note": "The payments teams are small: Dana approves when they cannot.",
                }
            },
            as_user="payments-admin",
        )
        assert saved["guardrailBusinessUnitUpdate"]["errors"] == []
        promotion = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"][
            "promotion"
        ]
        gates = (await api.ok(ASK, {"i": ask(w)}, as_user="ci"))["promotionDecision"]["gates"]
        approvals = next(g for g in gates if g["gate"] == "APPROVALS")
        assert delegate["username"] in approvals["reason"]
        refused = await api.gql(
            APPROVE,
            {"i": {"id": promotion["id"], "version": promotion["version"]}},
            as_user=outsider["username"],
        )
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        given = await api.ok(
            APPROVE,
            {"i": {"id": promotion["id"], "version": promotion["version"]}},
            as_user=delegate["username"],
        )
        assert given["promotionApprove"]["errors"] == []


class TestAnAllowedDecisionRecordsTheBypassUses:
    async def test_approvers_complete_a_waived_promotion_and_each_use_is_recorded(
        self, api: Api
    ) -> None:
        w = await world(api)
        hotfix = await fill_missing(
            api,
            await release(
                api, service_ids=[w["service"]], changeTypes=["UI"], releaseType="HOTFIX"
            ),
        )
        w["release"] = (await move(api, hotfix, "Submit"))["release"]
        await freeze_now(api, w["env"]["key"])
        await scan(api, w, critical=1)
        waived = ["FREEZE", "SECURITY_SCAN", "SIGN_OFFS", "RELEASE_STATUS"]
        made = await api.ok(
            """mutation($i: BypassRequestInput!) { bypassRequest(input: $i) {
              bypass { id version } errors { code } } }""",
            {
                "i": {
                    "releaseId": w["release"]["id"],
                    "environmentId": w["env"]["id"],
                    "gates": waived,
                    "justification": "Card payments fail for some customers; this cannot wait.",
                    "incidentReference": "INC-4712",
                    "durationHours": 4,
                }
            },
            as_user="engineer",
        )
        bypass = made["bypassRequest"]["bypass"]
        await api.ok(
            """mutation($i: BypassDecideInput!) { bypassApprove(input: $i) { errors { code } } }""",
            {"i": {"id": bypass["id"], "version": bypass["version"]}},
            as_user="approver",
        )
        promotion = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"][
            "promotion"
        ]
        for approver in ("eng-approver", "payments-admin"):
            done = (
                await api.ok(
                    APPROVE,
                    {"i": {"id": promotion["id"], "version": promotion["version"]}},
                    as_user=approver,
                )
            )["promotionApprove"]
            promotion = done["promotion"]
        assert done["decision"]["allowed"] is True, done["decision"]
        trail = await api.ok(
            """query($e: String) { auditRecords(filter: {entityId: $e}, first: 50) {
              nodes { action actorUsername rule after } } }""",
            {"e": str(from_global_id(bypass["id"]))},
            as_user="auditor",
        )
        uses = [n for n in trail["auditRecords"]["nodes"] if n["action"] == "bypass.use"]
        assert sorted(u["after"]["gate"] for u in uses) == sorted(g.lower() for g in waived)
        assert {u["actorUsername"] for u in uses} == {"payments-admin"}
        assert all("the decision applied bypass" in u["rule"] for u in uses)
