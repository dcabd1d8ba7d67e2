"""Blameless post-mortems through GraphQL and the housekeeping sweep (issue 17).

The done-when line: a post-mortem action "add the rollback step to the template" stays open
until the template version exists, then closes by itself (the sweep, audited as system). A
factor naming a person known to Signalbox is refused and nothing is stored; the severity
threshold decides which attributed incidents open one; completion waits for every item.
"""

from __future__ import annotations

from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, unique
from tests.api.governance_support import TEMPLATE_CREATE, TEMPLATE_UPDATE, new_bu, person, services
from tests.api.readiness_review_support import ITEMS
from tests.api.readiness_review_support import TEMPLATE_REVISE as READINESS_REVISE
from tests.api.readiness_review_support import template as readiness_template
from tests.api.test_incident_attribution_support import (
    ago,
    change_report,
    incident,
    result,
    swept,
)
from tests.api.test_pipeline_definitions_support import V1, V2, approve, pipeline, register

PM = """id version status severity title impact dueAt overdue
  factors { category description }
  actionItems { title targetKind target status verifiedRef verifiedBy verifiedSummary }
  timeline { kind summary }"""
OF_INCIDENT = f"query($id: ID!) {{ postMortemOfIncident(incidentId: $id) {{ {PM} }} }}"
ERRORS = "errors { code field message }"


def _m(name: str, input_type: str) -> str:
    return (
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ postMortem {{ {PM} }} {ERRORS} }} }}"
    )


ACTION_ADD = _m("postMortemActionItemAdd", "PostMortemActionItemAddInput")
FACTOR_ADD = _m("postMortemFactorAdd", "PostMortemFactorAddInput")
IMPACT = _m("postMortemImpactSet", "PostMortemImpactSetInput")
VERIFY = _m("postMortemVerify", "PostMortemVerifyInput")
COMPLETE = _m("postMortemComplete", "PostMortemRefInput")
UPDATE = _m("postMortemUpdate", "PostMortemUpdateInput")
LIST = """query($f: PostMortemFilter!) { postMortems(filter: $f, first: 100) { nodes { id overdue } } }"""


async def post_mortem_of(api: Api, incident_id: str, as_user: str = "rmo") -> dict[str, Any] | None:
    return (await api.ok(OF_INCIDENT, {"id": incident_id}, as_user=as_user))["postMortemOfIncident"]  # type: ignore[no-any-return]


async def opened(api: Api, bu: str | None = None, severity: str = "SEV1") -> dict[str, Any]:
    """A post-mortem opened by the sweep: a configuration change 20 minutes ago, then an
    incident of `severity`."""
    [service] = await services(api, bu or "payments")
    await change_report(api, service, ago(api, 20), as_user="rmo")
    inc = await incident(api, service, severity, as_user="rmo", description="Checkout down")
    await swept(api)
    pm = await post_mortem_of(api, inc["id"])
    assert pm is not None
    return {"incident": inc, "pm": pm, "service": service}


async def template(api: Api, bu: str) -> dict[str, Any]:
    made = result(
        await api.gql(
            TEMPLATE_CREATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "key": unique("runbook"),
                    "name": "Release runbook",
                    "sections": [
                        {
                            "key": "deploy",
                            "title": "Deploy",
                            "fields": [{"key": "steps", "label": "Steps"}],
                        }
                    ],
                }
            },
        )
    )
    assert made["errors"] == [], made
    return made["documentTemplate"]  # type: ignore[no-any-return]


def mutate(pm: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"i": {"id": pm["id"], "version": pm["version"], **fields}}


class TestAnActionItemClosesOnlyWhenTheChangeItNamesExists:
    async def test_add_the_rollback_step_stays_open_until_the_template_version_then_closes_by_itself(
        self, api: Api
    ) -> None:
        bu = await new_bu(api)
        doc = await template(api, bu)
        w = await opened(api, bu)
        pm = w["pm"]
        assert (pm["status"], pm["severity"], pm["overdue"]) == ("OPEN", "SEV1", False)
        added = result(
            await api.gql(
                ACTION_ADD,
                mutate(
                    pm,
                    title="Add the rollback step to the template",
                    targetKind="DOCUMENTATION_TEMPLATE",
                    templateKey=doc["key"],
                    itemKey="rollback",
                ),
            )
        )
        assert added["errors"] == [], added
        pm = added["postMortem"]
        [item] = pm["actionItems"]
        assert (item["status"], item["verifiedRef"]) == ("OPEN", None)

        await swept(api)
        verified = result(await api.gql(VERIFY, {"i": {"id": pm["id"]}}))["postMortem"]
        assert verified["actionItems"][0]["status"] == "OPEN"
        refused = result(await api.gql(COMPLETE, mutate(verified)))
        assert [e["code"] for e in refused["errors"]] == ["ACTIONS_OPEN"]

        sections = [
            {"key": "deploy", "title": "Deploy", "fields": [{"key": "steps", "label": "Steps"}]},
            {
                "key": "rollback",
                "title": "Rollback",
                "fields": [{"key": "steps", "label": "Steps"}],
            },
        ]
        revised = result(
            await api.gql(
                TEMPLATE_UPDATE,
                {"i": {"id": doc["id"], "version": doc["version"], "sections": sections}},
            )
        )
        assert revised["errors"] == [], revised
        done = await swept(api)

        assert done.verified >= 1
        pm = await post_mortem_of(api, w["incident"]["id"])
        assert pm is not None
        [item] = pm["actionItems"]
        new_version = str(from_global_id(revised["documentTemplate"]["id"], "DocumentTemplate"))
        assert (item["status"], item["verifiedRef"], item["verifiedBy"]) == (
            "DONE",
            new_version,
            "system",
        )
        assert "v2" in item["verifiedSummary"]

        impact = result(await api.gql(IMPACT, mutate(pm, impact="Checkout failed for 12 minutes.")))
        completed = result(await api.gql(COMPLETE, mutate(impact["postMortem"])))
        assert completed["errors"] == [], completed
        assert completed["postMortem"]["status"] == "COMPLETED"
        actions = await _audit(api, pm["id"])
        assert "post_mortem.verify_action" in actions and actions[0] == "post_mortem.open"

    async def test_a_guardrail_value_item_closes_on_a_stricter_save_after_it_only(
        self, api: Api
    ) -> None:
        bu = await new_bu(api)
        w = await opened(api, bu)
        save = """mutation($i: GuardrailBusinessUnitUpdateInput!) { guardrailBusinessUnitUpdate(input: $i) {
          guardrailSet { version } errors { code } } }"""
        added = result(
            await api.gql(
                ACTION_ADD,
                mutate(
                    w["pm"],
                    title="Two approvers for production",
                    targetKind="GUARDRAIL_VALUE",
                    guardrailKey="min_approvers.production",
                    guardrailValue=3,
                ),
            )
        )["postMortem"]
        values = {"min_approvers.production": 2}
        first = await api.ok(
            save, {"i": {"businessUnitId": bu, "values": values, "version": 0, "note": "a"}}
        )
        assert first["guardrailBusinessUnitUpdate"]["errors"] == []
        pm = result(await api.gql(VERIFY, {"i": {"id": added["id"]}}))["postMortem"]
        assert pm["actionItems"][0]["status"] == "OPEN", "2 approvals are looser than the 3 named"
        values = {"min_approvers.production": 3}
        version = first["guardrailBusinessUnitUpdate"]["guardrailSet"]["version"]
        second = await api.ok(
            save, {"i": {"businessUnitId": bu, "values": values, "version": version, "note": "b"}}
        )
        assert second["guardrailBusinessUnitUpdate"]["errors"] == [], second
        pm = result(await api.gql(VERIFY, {"i": {"id": added["id"]}}))["postMortem"]
        [item] = pm["actionItems"]
        assert (item["status"], item["verifiedBy"]) == ("DONE", "rmo")
        assert "business_unit guardrails" in item["verifiedSummary"]

    async def test_an_item_naming_an_unknown_gate_or_guardrail_is_refused(self, api: Api) -> None:
        w = await opened(api)
        for fields, field in (
            ({"targetKind": "PIPELINE_GATE", "pipelineKey": "web", "gate": "nope"}, "gate"),
            (
                {"targetKind": "GUARDRAIL_VALUE", "guardrailKey": "nope", "guardrailValue": 1},
                "guardrailKey",
            ),
            ({"targetKind": "TEST_CASE"}, "testName"),
        ):
            body = result(await api.gql(ACTION_ADD, mutate(w["pm"], title="X", **fields)))
            assert [(e["code"], e["field"]) for e in body["errors"]] == [("INVALID_TARGET", field)]


class TestFactorsAreSystemsAndProcessesNeverPeople:
    async def test_a_factor_naming_someone_by_username_email_or_name_is_refused_and_not_stored(
        self, api: Api
    ) -> None:
        w = await opened(api)
        someone = await person(api, role="engineer", name="Ada Quill")
        for text in (
            f"{someone['username']} skipped the canary",
            "Ada Quill pushed the config by hand",
            "sre pressed deploy",
        ):
            body = result(
                await api.gql(
                    FACTOR_ADD, mutate(w["pm"], category="RELEASE_PROCESS", description=text)
                )
            )
            assert [(e["code"], e["field"]) for e in body["errors"]] == [
                ("NAMES_A_PERSON", "description")
            ], text
        pm = await post_mortem_of(api, w["incident"]["id"])
        assert pm is not None and pm["factors"] == []
        ok = result(
            await api.gql(
                FACTOR_ADD,
                mutate(
                    pm,
                    category="TESTING_GAP",
                    description="No load test covered the pool size; the canary ran at 1% only",
                ),
            )
        )
        assert ok["errors"] == [], ok
        assert ok["postMortem"]["factors"] == [
            {
                "category": "TESTING_GAP",
                "description": "No load test covered the pool size; the canary ran at 1% only",
            }
        ]


class TestWhichIncidentsOpenOne:
    async def test_below_the_severity_threshold_or_unattributed_none_opens(self, api: Api) -> None:
        [service] = await services(api, "payments")
        await change_report(api, service, ago(api, 20))
        minor = await incident(api, service, "SEV3")
        [quiet] = await services(api, "payments")
        unrelated = await incident(api, quiet, "SEV1")
        await swept(api)
        assert await post_mortem_of(api, minor["id"]) is None
        assert await post_mortem_of(api, unrelated["id"]) is None

    async def test_the_timeline_and_the_bu_list_show_it(self, api: Api) -> None:
        bu = await new_bu(api)
        w = await opened(api, bu)
        kinds = [e["kind"] for e in w["pm"]["timeline"]]
        assert {"change", "incident", "audit"} <= set(kinds)
        assert kinds.index("change") < kinds.index("incident")
        listed = await api.ok(LIST, {"f": {"businessUnitId": bu}})
        assert [n["id"] for n in listed["postMortems"]["nodes"]] == [w["pm"]["id"]]
        overdue = await api.ok(LIST, {"f": {"businessUnitId": bu, "overdue": True}})
        assert overdue["postMortems"]["nodes"] == []
        updated = result(
            await api.gql(UPDATE, mutate(w["pm"], title="Pool exhaustion at checkout"))
        )
        assert updated["postMortem"]["title"] == "Pool exhaustion at checkout"


async def _audit(api: Api, global_id: str) -> list[str]:
    entity = str(from_global_id(global_id, "PostMortem"))
    data = await api.ok(
        "query($e: String) { auditRecords(filter: {entityId: $e}, first: 100) { nodes { action } } }",
        {"e": entity},
        as_user="auditor",
    )
    return [n["action"] for n in data["auditRecords"]["nodes"]]


class TestEveryKindOfControlIsReadFromItsOwner:
    async def test_a_pipeline_gate_item_closes_once_a_version_listing_the_gate_is_active(
        self, api: Api
    ) -> None:
        w = await opened(api)
        made = await pipeline(api)
        pm = result(
            await api.gql(
                ACTION_ADD,
                mutate(
                    w["pm"],
                    title="Scan before production",
                    targetKind="PIPELINE_GATE",
                    pipelineKey=made["key"],
                    gate="security_scan",
                ),
            )
        )["postMortem"]
        first = await register(api, made["id"], V1)
        await approve(api, first["definitionVersion"]["id"])
        pm = result(await api.gql(VERIFY, {"i": {"id": pm["id"]}}))["postMortem"]
        assert pm["actionItems"][0]["status"] == "OPEN", "V1 lists no security scan"
        second = await register(api, made["id"], V2)
        await approve(api, second["definitionVersion"]["id"])
        pm = result(await api.gql(VERIFY, {"i": {"id": pm["id"]}}))["postMortem"]
        [item] = pm["actionItems"]
        assert item["status"] == "DONE"
        assert item["verifiedRef"] == str(
            from_global_id(second["definitionVersion"]["id"], "PipelineDefinitionVersion")
        )

    async def test_a_readiness_checklist_item_closes_once_a_template_version_holds_it(
        self, api: Api
    ) -> None:
        bu = await new_bu(api)
        checklist = await readiness_template(api, ["INTERNAL"], bu=bu)
        w = await opened(api, bu)
        pm = result(
            await api.gql(
                ACTION_ADD,
                mutate(
                    w["pm"],
                    title="Check the connection pool before production",
                    targetKind="READINESS_CHECKLIST_ITEM",
                    templateKey=checklist["key"],
                    itemKey="pool",
                ),
            )
        )["postMortem"]
        items = [*ITEMS, {"key": "pool", "kind": "MONITORING", "title": "Pool sized for peak"}]
        revised = result(
            await api.gql(
                READINESS_REVISE,
                {"i": {"id": checklist["id"], "version": checklist["version"], "items": items}},
            )
        )
        assert revised["errors"] == [], revised
        pm = result(await api.gql(VERIFY, {"i": {"id": pm["id"]}}))["postMortem"]
        [item] = pm["actionItems"]
        assert item["status"] == "DONE"
        assert item["verifiedRef"] == str(
            from_global_id(revised["readinessReviewTemplate"]["id"], "ReadinessReviewTemplate")
        )
