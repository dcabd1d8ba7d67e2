"""Flags through GraphQL: creation, states per environment, kill switch, production approval,
history, segments and stale flags. Helpers here serve the other flags and OFREP tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, ids, unique

FLAG = "id key version kind valueType defaultVariant offVariant killedAt archivedAt"
CREATE = f"""
mutation($i: FlagCreateInput!) {{ flagCreate(input: $i) {{ flag {{ {FLAG} }} errors {{ code field message }} }} }}"""
STATE = """
mutation($i: FlagEnvironmentUpdateInput!) {
  flagEnvironmentUpdate(input: $i) {
    flag { id version }
    state { environment enabled production darkLaunch version rules { userIds } }
    change { id status production action }
    errors { code field message }
  }
}"""
APPROVE = """
mutation($i: FlagChangeDecisionInput!) {
  flagChangeApprove(input: $i) { change { id status } state { enabled version } errors { code } }
}"""
KILL = """
mutation($i: FlagKillInput!) { flagKill(input: $i) { flag { id killedAt } errors { code } } }"""
SEGMENT = """
mutation($i: FlagSegmentCreateInput!) {
  flagSegmentCreate(input: $i) { segment { id key version } errors { code field } }
}"""
ENV = "production-eu"
_services: dict[int, dict[str, str]] = {}


async def service_id(api: Api, key: str) -> str:
    if id(api) not in _services:
        data = await api.ok("{ services(first: 500) { nodes { id key } } }")
        _services[id(api)] = {n["key"]: n["id"] for n in data["services"]["nodes"]}
    return _services[id(api)][key]


async def create_flag(
    api: Api, *, service: str = "fx-rates", as_user: str = "rmo", **fields: Any
) -> dict[str, Any]:
    """A flag of a payments service (fx-rates: internal tier; payout-scheduler: critical)."""
    now = api.runtime.clock.now()
    values: dict[str, Any] = {
        "serviceId": await service_id(api, service),
        "key": unique("flag"),
        "name": "New checkout",
        "kind": "RELEASE",
        "expiresAt": (now + timedelta(days=30)).isoformat(),
        **fields,
    }
    data = await api.ok(CREATE, {"i": values}, as_user=as_user)
    return data["flagCreate"]["flag"]  # type: ignore[no-any-return]


async def set_state(
    api: Api, flag_id: str, environment: str = ENV, *, as_user: str = "rmo", **state: Any
) -> dict[str, Any]:
    body = await api.gql(
        STATE,
        {"i": {"flagId": flag_id, "environment": environment, "enabled": True, **state}},
        as_user=as_user,
    )
    assert "errors" not in body, body
    return body["data"]["flagEnvironmentUpdate"]  # type: ignore[no-any-return]


async def segment(api: Api, conditions: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    data = await api.ok(
        SEGMENT,
        {
            "i": {
                "key": unique("seg"),
                "name": "Segment",
                "conditions": conditions,
                "businessUnitId": (await ids(api))["payments"],
                **fields,
            }
        },
    )
    return data["flagSegmentCreate"]["segment"]  # type: ignore[no-any-return]


async def ofrep(
    api: Api,
    key: str | None,
    context: dict[str, Any],
    *,
    environment: str = ENV,
    as_user: str = "rmo",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    path = "/ofrep/v1/evaluate/flags" + (f"/{key}" if key is not None else "")
    all_headers = {
        "authorization": f"Bearer {api.token(as_user)}",
        "x-signalbox-environment": environment,
        **(headers or {}),
    }
    return await api.http.post(path, json={"context": context}, headers=all_headers)


def api_uuid(global_id: str) -> str:
    return str(from_global_id(global_id))


class TestCreatingFlags:
    async def test_a_boolean_flag_gets_on_and_off_variants(self, api: Api) -> None:
        flag = await create_flag(api)
        assert (flag["valueType"], flag["defaultVariant"], flag["offVariant"]) == (
            "BOOLEAN",
            "on",
            "off",
        )

    async def test_a_release_flag_needs_an_expiry(self, api: Api) -> None:
        body = await api.gql(
            CREATE,
            {
                "i": {
                    "serviceId": await service_id(api, "fx-rates"),
                    "key": unique("flag"),
                    "name": "N",
                    "kind": "RELEASE",
                }
            },
        )
        assert body["data"]["flagCreate"]["errors"][0]["code"] == "EXPIRY_REQUIRED"

    async def test_keys_are_unique_across_services(self, api: Api) -> None:
        flag = await create_flag(api)
        body = await api.gql(
            CREATE,
            {
                "i": {
                    "serviceId": await service_id(api, "settlement"),
                    "key": flag["key"],
                    "name": "N",
                    "kind": "OPS",
                }
            },
        )
        assert body["data"]["flagCreate"]["errors"][0]["code"] == "ALREADY_EXISTS"

    @pytest.mark.parametrize(
        ("value_type", "fits", "misfit", "named"),
        [
            ("STRING", "blue", 3, "not a string"),
            ("NUMBER", 2.5, "3", "not a number"),
            ("INTEGER", 3, 2.5, "not an integer"),
            ("INTEGER", 3, True, "not an integer"),
        ],
    )
    async def test_variant_values_must_fit_the_value_type(
        self, api: Api, value_type: str, fits: object, misfit: object, named: str
    ) -> None:
        body = await api.gql(
            CREATE,
            {
                "i": {
                    "serviceId": await service_id(api, "fx-rates"),
                    "key": unique("flag"),
                    "name": "N",
                    "kind": "OPS",
                    "valueType": value_type,
                    "variants": [{"key": "blue", "value": fits}, {"key": "red", "value": misfit}],
                }
            },
        )
        (error,) = body["data"]["flagCreate"]["errors"]
        assert error["code"] == "INVALID_VARIANTS" and named in error["message"]


class TestStates:
    async def test_a_state_refers_only_to_known_variants_and_segments(self, api: Api) -> None:
        flag = await create_flag(api)
        body = await api.gql(
            STATE,
            {
                "i": {
                    "flagId": flag["id"],
                    "environment": "staging",
                    "enabled": True,
                    "rules": [{"segments": ["nope"]}],
                }
            },
        )
        assert body["data"]["flagEnvironmentUpdate"]["errors"][0]["code"] == "UNKNOWN_SEGMENT"

    async def test_a_stale_version_is_a_conflict(self, api: Api) -> None:
        flag = await create_flag(api)
        first = await set_state(api, flag["id"], "staging")
        assert first["state"]["version"] == 1
        await set_state(api, flag["id"], "staging", version=1, enabled=False)
        again = await set_state(api, flag["id"], "staging", version=1)
        assert again["errors"][0]["code"] == "VERSION_CONFLICT"

    async def test_the_flag_lists_its_states_and_history(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"], "staging", rules=[{"userIds": ["u1"]}])
        data = await api.ok(
            "query($k: String!) { flag(key: $k) { environments { environment enabled "
            "rules { userIds } } history { action status environment } } }",
            {"k": flag["key"]},
        )
        assert data["flag"]["environments"] == [
            {"environment": "staging", "enabled": True, "rules": [{"userIds": ["u1"]}]}
        ]
        assert [h["action"] for h in data["flag"]["history"]] == ["CREATE", "ENVIRONMENT"]


class TestProductionChangesOfCriticalServices:
    async def test_wait_for_someone_elses_approval(self, api: Api) -> None:
        # Another flag live in the environment makes it known to OFREP (an unknown one is 400).
        await set_state(api, (await create_flag(api, service="fx-rates"))["id"])
        flag = await create_flag(api, service="payout-scheduler", as_user="release-manager")
        asked = await set_state(api, flag["id"], as_user="release-manager")
        assert asked["change"]["status"] == "PENDING" and asked["state"] is None
        off = await ofrep(api, flag["key"], {"targetingKey": "u1"})
        assert off.json()["variant"] == "off"
        own = await api.gql(
            APPROVE, {"i": {"id": asked["change"]["id"]}}, as_user="release-manager"
        )
        assert own["data"]["flagChangeApprove"]["errors"][0]["code"] == "SELF_APPROVAL"
        done = await api.ok(APPROVE, {"i": {"id": asked["change"]["id"]}}, as_user="payments-admin")
        assert done["flagChangeApprove"]["change"]["status"] == "APPLIED"
        on = await ofrep(api, flag["key"], {"targetingKey": "u1"})
        assert on.json()["variant"] == "on"

    async def test_other_environments_and_services_apply_at_once(self, api: Api) -> None:
        critical = await create_flag(api, service="payout-scheduler")
        staging = await set_state(api, critical["id"], "staging")
        assert staging["change"]["status"] == "APPLIED"
        internal = await create_flag(api, service="fx-rates")
        prod = await set_state(api, internal["id"])
        assert prod["change"] == {
            "id": prod["change"]["id"],
            "status": "APPLIED",
            "production": True,
            "action": "ENVIRONMENT",
        }

    async def test_a_marked_environment_counts_as_production(self, api: Api) -> None:
        flag = await create_flag(api, service="payout-scheduler")
        asked = await set_state(api, flag["id"], "prd-us", production=True)
        assert asked["change"]["status"] == "PENDING"


class TestTheKillSwitch:
    async def test_turns_the_flag_off_everywhere_at_once_and_is_audited(self, api: Api) -> None:
        flag = await create_flag(api, service="payout-scheduler")
        await set_state(api, flag["id"], "staging")
        assert (await ofrep(api, flag["key"], {"targetingKey": "u"}, environment="staging")).json()[
            "variant"
        ] == "on"
        killed = await api.ok(KILL, {"i": {"id": flag["id"], "reason": "Errors spiking"}})
        assert killed["flagKill"]["flag"]["killedAt"] is not None
        answer = await ofrep(api, flag["key"], {"targetingKey": "u"}, environment="staging")
        assert (answer.json()["variant"], answer.json()["reason"]) == ("off", "DISABLED")
        audit = await api.ok(
            "query($f: AuditRecordFilter) { auditRecords(first: 500, filter: $f) "
            "{ nodes { action after } } }",
            {"f": {"entityType": "flag", "entityId": api_uuid(flag["id"])}},
        )
        actions = [n["action"] for n in audit["auditRecords"]["nodes"]]
        assert "flag.kill" in actions


class TestAFlagFlipIsAProductionChangeOnTheCalendar:
    async def test_the_calendar_lists_production_flips_but_not_staging_ones(self, api: Api) -> None:
        flag = await create_flag(api)  # fx-rates: internal tier, so no approval is needed
        before = api.runtime.clock.now() - timedelta(minutes=1)
        await set_state(api, flag["id"], "staging")
        flipped = await set_state(api, flag["id"], "production-eu")
        assert flipped["errors"] == []
        after = api.runtime.clock.now() + timedelta(minutes=1)
        data = await api.ok(
            "query($i: CalendarInput!) { calendar(input: $i) { productionChanges "
            "{ flagKey environment action at } } }",
            {"i": {"from": before.isoformat(), "to": after.isoformat()}},
            as_user="viewer",
        )
        mine = [c for c in data["calendar"]["productionChanges"] if c["flagKey"] == flag["key"]]
        assert [c["environment"] for c in mine] == ["production-eu"]
        retail = await api.ok(
            "query($i: CalendarInput!) { calendar(input: $i) { productionChanges { flagKey } } }",
            {"i": {"from": before.isoformat(), "to": after.isoformat()}},
            as_user="retail-admin",
        )
        assert flag["key"] not in {c["flagKey"] for c in retail["calendar"]["productionChanges"]}
