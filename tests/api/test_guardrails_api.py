"""Guardrails and onboarding through GraphQL: the issue's scenarios, errors, history, node ids.

The API database is shared by the whole session: the core and the demo BUs' sets are only
ever saved unchanged here; real changes go to BUs and teams each test creates.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, ids, unique

SET_FIELDS = "scope tier version values note conflicts { key value coreBound message }"
BU_UPDATE = f"""mutation($i: GuardrailBusinessUnitUpdateInput!) {{
  guardrailBusinessUnitUpdate(input: $i) {{
    guardrailSet {{ {SET_FIELDS} businessUnit {{ key }} }} errors {{ code field message }} }} }}"""
CORE_UPDATE = f"""mutation($i: GuardrailCoreUpdateInput!) {{
  guardrailCoreUpdate(input: $i) {{ guardrailSet {{ {SET_FIELDS} }}
    conflicts {{ source key }} errors {{ code field message }} }} }}"""
PROFILE_UPDATE = f"""mutation($i: GuardrailProfileUpdateInput!) {{
  guardrailProfileUpdate(input: $i) {{ guardrailSet {{ {SET_FIELDS} }}
    errors {{ code field message }} }} }}"""
BU_SET = f"""query($b: ID!) {{ guardrailSet(businessUnitId: $b) {{ {SET_FIELDS} }} }}"""
EFFECTIVE = """query($s: ID!, $at: DateTime) { effectiveGuardrails(serviceId: $s, at: $at) {
  key value source sourceVersion description strictness unit
  contributions { source sourceVersion members } } }"""
ONBOARDING = """query($t: ID!) { teamOnboarding(teamId: $t) {
  team { key }
  items { item required complete version evidenceUrl evidenceNote completedBy { username } }
  productionAccess { status reason required missing } } }"""
COMPLETE = """mutation($i: TeamOnboardingItemCompleteInput!) {
  teamOnboardingItemComplete(input: $i) { item { item complete version evidenceUrl }
    onboarding { productionAccess { status missing } } errors { code field } } }"""
REOPEN = """mutation($i: TeamOnboardingItemReopenInput!) {
  teamOnboardingItemReopen(input: $i) { item { item complete version }
    onboarding { productionAccess { status missing } } errors { code field } } }"""
ITEMS = ["LOGGING", "MONITORING", "ALERTING", "CI_PIPELINE", "RUNBOOK", "ON_CALL"]


async def business_unit(api: Api) -> str:
    data = await api.ok(
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) "
        "{ businessUnit { id } errors { code } } }",
        {"i": {"key": unique("gbu"), "name": "Guardrails BU"}},
    )
    return data["businessUnitCreate"]["businessUnit"]["id"]  # type: ignore[no-any-return]


async def team(api: Api, bu: str | None = None) -> str:
    bu = bu or (await ids(api))["payments"]
    data = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": bu, "key": unique("gt"), "name": "Onboarding team"}},
    )
    return data["teamCreate"]["team"]["id"]  # type: ignore[no-any-return]


async def service(api: Api, team_id: str, tier: str) -> str:
    data = await api.ok(
        "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) "
        "{ service { id } errors { code } } }",
        {
            "i": {
                "teamId": team_id,
                "key": unique("gs"),
                "name": "S",
                "tier": tier,
                "dataClassification": "INTERNAL",
            }
        },
    )
    return data["serviceCreate"]["service"]["id"]  # type: ignore[no-any-return]


async def bu_version(api: Api, bu: str) -> int:
    return (await api.ok(BU_SET, {"b": bu}))["guardrailSet"]["version"]  # type: ignore[no-any-return]


async def core_version(api: Api) -> int:
    return (await api.ok("{ guardrailCore { version } }"))["guardrailCore"]["version"]  # type: ignore[no-any-return]


async def profile_version(api: Api, tier: str) -> int:
    data = await api.ok("{ guardrailProfiles { tier version } }")
    return next(p["version"] for p in data["guardrailProfiles"] if p["tier"] == tier)  # type: ignore[no-any-return]


def by_key(values: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {v["key"]: v for v in values}


class TestABusinessUnitCannotLoosenTheCore:
    async def test_lowering_the_core_minimum_approvers_is_refused_with_the_core_bound(
        self, api: Api
    ) -> None:
        payments = (await ids(api))["payments"]
        core = (await api.ok("{ guardrailCore { values } }"))["guardrailCore"]["values"]
        bound = core["min_approvers.production"]
        body = await api.gql(
            BU_UPDATE,
            {
                "i": {
                    "businessUnitId": payments,
                    "values": {"min_approvers.production": bound - 1, "max_bypass_hours": 500},
                    "version": await bu_version(api, payments),
                    "note": "fewer approvals please",
                }
            },
            as_user="payments-admin",
        )
        payload = body["data"]["guardrailBusinessUnitUpdate"]
        assert payload["guardrailSet"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("INVALID_GUARDRAIL_VALUE", "max_bypass_hours"),
            ("GUARDRAIL_LOOSER_THAN_CORE", "min_approvers.production"),
        ]
        assert payload["errors"][1]["message"] == (
            f"min_approvers.production: {bound - 1} is looser than the core's {bound}."
        )

    async def test_a_tightening_is_saved_versioned_and_undone_with_null(self, api: Api) -> None:
        bu = await business_unit(api)
        data = await api.ok(
            BU_UPDATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {"max_bypass_hours": 4},
                    "version": 0,
                    "note": "audit",
                }
            },
        )
        saved = data["guardrailBusinessUnitUpdate"]["guardrailSet"]
        assert (saved["scope"], saved["version"], saved["values"]) == (
            "BUSINESS_UNIT",
            1,
            {"max_bypass_hours": 4},
        )
        data = await api.ok(
            BU_UPDATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {"max_bypass_hours": None},
                    "version": 1,
                    "note": "undo",
                }
            },
        )
        assert data["guardrailBusinessUnitUpdate"]["guardrailSet"]["values"] == {}
        history = await api.ok(
            """query($b: ID!) { guardrailHistory(scope: BUSINESS_UNIT, businessUnitId: $b) {
                 nodes { id version values note savedByName savedBy { username } } } }""",
            {"b": bu},
        )
        nodes = history["guardrailHistory"]["nodes"]
        assert [(n["version"], n["values"], n["note"]) for n in nodes] == [
            (1, {"max_bypass_hours": 4}, "audit"),
            (2, {}, "undo"),
        ]
        assert nodes[0]["savedBy"] == {"username": "rmo"}
        found = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on GuardrailSetVersion { version note } } }",
            {"id": nodes[0]["id"]},
        )
        assert found["node"] == {"version": 1, "note": "audit"}

    async def test_bad_values_are_refused_one_error_per_key(self, api: Api) -> None:
        bu = await business_unit(api)
        body = await api.gql(
            BU_UPDATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {
                        "min_approvers.mars": 3,
                        "denied_licences": ["AGPL-3.0-only", "Not-SPDX"],
                        "board_required_from_risk": "whenever",
                    },
                    "version": 0,
                    "note": "typo",
                }
            },
        )
        errors = body["data"]["guardrailBusinessUnitUpdate"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [
            ("UNKNOWN_GUARDRAIL", "min_approvers.mars"),
            ("INVALID_LICENCE", "denied_licences"),
            ("INVALID_GUARDRAIL_VALUE", "board_required_from_risk"),
        ]

    async def test_a_stale_version_is_a_conflict(self, api: Api) -> None:
        bu = await business_unit(api)
        change = {"businessUnitId": bu, "values": {"max_bypass_hours": 4}, "note": "x"}
        await api.ok(BU_UPDATE, {"i": {**change, "version": 0}})
        body = await api.gql(BU_UPDATE, {"i": {**change, "version": 0}})
        errors = body["data"]["guardrailBusinessUnitUpdate"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("VERSION_CONFLICT", "version")]

    async def test_a_bu_admin_cannot_touch_another_bus_set(self, api: Api) -> None:
        retail = (await ids(api))["retail"]
        body = await api.gql(
            BU_UPDATE,
            {"i": {"businessUnitId": retail, "values": {}, "version": 0, "note": "x"}},
            as_user="payments-admin",
        )
        errors = body["data"]["guardrailBusinessUnitUpdate"]["errors"]
        assert errors[0]["code"] == "NOT_FOUND"


class TestEffectiveGuardrails:
    async def test_a_critical_service_shows_each_values_source(self, api: Api) -> None:
        bu = await business_unit(api)
        critical = await service(api, await team(api, bu), "CRITICAL")
        await api.ok(
            BU_UPDATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {"max_open_high_vulnerabilities": 0, "min_approvers.staging": 3},
                    "version": 0,
                    "note": "strict BU",
                }
            },
        )
        data = await api.ok(EFFECTIVE, {"s": critical})
        values = by_key(data["effectiveGuardrails"])
        bu_key = (
            await api.ok(
                "query($id: ID!) { node(id: $id) { ... on BusinessUnit { key } } }", {"id": bu}
            )
        )["node"]["key"]
        assert values["min_approvers.staging"]["source"] == f"bu:{bu_key}"
        assert (
            values["min_approvers.staging"]["value"],
            values["min_approvers.staging"]["sourceVersion"],
        ) == (3, 1)
        assert values["max_bypass_hours"]["source"] == "profile:critical"
        assert values["max_open_high_vulnerabilities"]["source"] == f"bu:{bu_key}"
        assert values["max_open_critical_vulnerabilities"]["source"] == "core"
        assert values["min_approvers.staging"]["strictness"] == "AT_LEAST"
        assert values["min_approvers.staging"]["unit"] == "approvals"
        sources = {c["source"] for c in values["go_no_go_disciplines"]["contributions"]}
        assert sources == {"core", "profile:critical"}
        assert {v["source"].split(":")[0] for v in values.values()} <= {"core", "bu", "profile"}

    async def test_a_past_date_answers_with_the_versions_then_in_force(self, api: Api) -> None:
        bu = await business_unit(api)
        internal = await service(api, await team(api, bu), "INTERNAL")
        before = api.runtime.clock.now().isoformat()
        await api.ok(
            BU_UPDATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {"min_approvers.test": 2},
                    "version": 0,
                    "note": "x",
                }
            },
        )
        then = by_key(
            (await api.ok(EFFECTIVE, {"s": internal, "at": before}))["effectiveGuardrails"]
        )
        now = by_key((await api.ok(EFFECTIVE, {"s": internal}))["effectiveGuardrails"])
        assert then["min_approvers.test"]["source"] == "core"
        assert (now["min_approvers.test"]["value"], now["min_approvers.test"]["source"][:3]) == (
            2,
            "bu:",
        )

    async def test_a_service_outside_your_bus_is_not_found(self, api: Api) -> None:
        bu = await business_unit(api)
        internal = await service(api, await team(api, bu), "INTERNAL")
        body = await api.gql(EFFECTIVE, {"s": internal}, as_user="payments-admin")
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


class TestCatalogAndOrgSets:
    async def test_the_catalog_offers_only_allowed_values(self, api: Api) -> None:
        data = await api.ok(
            "{ guardrailCatalog { key strictness valueType minimum maximum members spdx nullable default } }"
        )
        fields = by_key(data["guardrailCatalog"])
        assert fields["min_approvers.production"]["minimum"] == 0
        assert fields["min_approvers.production"]["valueType"] == "INTEGER"
        assert fields["allowed_licences"]["spdx"] and fields["allowed_licences"]["nullable"]
        assert fields["onboarding_requirements"]["members"] == [i.lower() for i in ITEMS]
        assert fields["board_required_from_risk"]["members"] == [
            "low",
            "medium",
            "high",
            "critical",
        ]

    async def test_usernames_are_not_called_spdx_licence_ids(self, api: Api) -> None:
        data = await api.ok("{ guardrailCatalog { key members spdx usernames } }")
        fields = by_key(data["guardrailCatalog"])
        delegates = fields["approval_delegates"]
        assert delegates == {
            "key": "approval_delegates",
            "members": None,
            "spdx": False,
            "usernames": True,
        }
        assert {k for k, f in fields.items() if f["spdx"]} == {
            "allowed_licences",
            "denied_licences",
        }
        assert all(not (f["spdx"] and f["usernames"]) for f in fields.values())

    async def test_saving_the_core_and_a_profile_unchanged_adds_versions(self, api: Api) -> None:
        version = await core_version(api)
        data = await api.ok(
            CORE_UPDATE, {"i": {"values": {}, "version": version, "note": "quarterly review"}}
        )
        core = data["guardrailCoreUpdate"]["guardrailSet"]
        assert (core["scope"], core["version"], core["note"]) == (
            "CORE",
            version + 1,
            "quarterly review",
        )
        version = await profile_version(api, "INTERNAL")
        data = await api.ok(
            PROFILE_UPDATE,
            {"i": {"tier": "INTERNAL", "values": {}, "version": version, "note": "review"}},
        )
        assert data["guardrailProfileUpdate"]["guardrailSet"]["version"] == version + 1

    async def test_a_profile_loosening_the_core_is_refused(self, api: Api) -> None:
        body = await api.gql(
            PROFILE_UPDATE,
            {
                "i": {
                    "tier": "INTERNAL",
                    "values": {"max_open_critical_vulnerabilities": 999},
                    "version": await profile_version(api, "INTERNAL"),
                    "note": "x",
                }
            },
        )
        (error,) = body["data"]["guardrailProfileUpdate"]["errors"]
        assert (error["code"], error["field"]) == (
            "GUARDRAIL_LOOSER_THAN_CORE",
            "max_open_critical_vulnerabilities",
        )

    async def test_conflicts_are_listed(self, api: Api) -> None:
        data = await api.ok("{ guardrailConflicts { source key value coreBound message } }")
        assert isinstance(data["guardrailConflicts"], list)


class TestOnboarding:
    async def test_a_team_without_monitoring_onboarding_has_no_production_access(
        self, api: Api
    ) -> None:
        team_id = await team(api)
        for item in ITEMS:
            if item != "MONITORING":
                await api.ok(
                    COMPLETE,
                    {"i": {"teamId": team_id, "item": item, "version": 0, "evidenceNote": "done"}},
                    as_user="engineer",
                )
        data = await api.ok(ONBOARDING, {"t": team_id}, as_user="viewer")
        access = data["teamOnboarding"]["productionAccess"]
        assert (access["status"], access["missing"]) == ("FAILED", ["MONITORING"])
        assert "monitoring not onboarded" in access["reason"]
        items = {i["item"]: i for i in data["teamOnboarding"]["items"]}
        assert items["LOGGING"]["completedBy"] == {"username": "engineer"}
        assert not items["MONITORING"]["complete"]
        done = await api.ok(
            COMPLETE,
            {
                "i": {
                    "teamId": team_id,
                    "item": "MONITORING",
                    "version": 0,
                    "evidenceUrl": "https://grafana.example/d/payments",
                }
            },
            as_user="sre",
        )
        payload = done["teamOnboardingItemComplete"]
        assert payload["item"] == {
            "item": "MONITORING",
            "complete": True,
            "version": 1,
            "evidenceUrl": "https://grafana.example/d/payments",
        }
        assert payload["onboarding"]["productionAccess"] == {"status": "PASSED", "missing": []}
        reopened = await api.ok(
            REOPEN, {"i": {"teamId": team_id, "item": "MONITORING", "version": 1, "reason": "gone"}}
        )
        assert reopened["teamOnboardingItemReopen"]["onboarding"]["productionAccess"][
            "missing"
        ] == ["MONITORING"]

    async def test_evidence_is_required(self, api: Api) -> None:
        team_id = await team(api)
        body = await api.gql(COMPLETE, {"i": {"teamId": team_id, "item": "RUNBOOK", "version": 0}})
        assert body["data"]["teamOnboardingItemComplete"]["errors"] == [
            {"code": "EVIDENCE_REQUIRED", "field": "evidenceUrl"}
        ]


class TestTheViewerKnowsWhetherTheyMayEdit:
    async def test_bu_admins_edit_their_bu_set_and_only_the_rmo_the_core(self, api: Api) -> None:
        payments = (await ids(api))["payments"]
        query = """query($b: ID!) { guardrailSet(businessUnitId: $b) { viewerMayEdit }
          guardrailCore { viewerMayEdit } }"""
        for user, bu_set, core in (
            ("payments-admin", True, False),
            ("rmo", True, True),
            ("viewer", False, False),
        ):
            data = await api.ok(query, {"b": payments}, as_user=user)
            assert (
                data["guardrailSet"]["viewerMayEdit"],
                data["guardrailCore"]["viewerMayEdit"],
            ) == (
                bu_set,
                core,
            ), user
