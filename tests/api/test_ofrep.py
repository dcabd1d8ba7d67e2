"""The OFREP endpoints: single and bulk evaluation, errors as the protocol specifies, ETags,
scoping by BU, and the dark-launch scenario end to end (GraphQL to set, OFREP to read)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.flags.evaluation import bucket
from tests.api.conftest import Api, unique
from tests.api.test_flags_api import ENV, create_flag, ofrep, segment, set_state

OBJECT_VARIANTS = [
    {"key": "compact", "value": {"rows": 10, "dense": True}},
    {"key": "roomy", "value": {"rows": 5, "dense": False}},
]


class TestSingleEvaluation:
    async def test_an_enabled_flag_without_rules_is_static(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        answer = await ofrep(api, flag["key"], {"targetingKey": "u1"})
        assert answer.status_code == 200
        body = answer.json()
        assert (body["key"], body["value"], body["variant"], body["reason"]) == (
            flag["key"],
            True,
            "on",
            "STATIC",
        )
        assert body["metadata"] == {"service": "fx-rates", "kind": "release", "environment": ENV}

    async def test_a_flag_without_a_state_here_is_disabled(self, api: Api) -> None:
        # ENV is known here (another flag has a state in it), whatever ran before in this database
        await set_state(api, (await create_flag(api))["id"], ENV)
        flag = await create_flag(api)
        await set_state(api, flag["id"], "staging")
        body = (await ofrep(api, flag["key"], {"targetingKey": "u1"})).json()
        assert (body["value"], body["variant"], body["reason"]) == (False, "off", "DISABLED")

    async def test_rules_target_users_and_attributes_first_match_wins(self, api: Api) -> None:
        flag = await create_flag(
            api, kind="OPS", valueType="OBJECT", variants=OBJECT_VARIANTS, expiresAt=None
        )
        await set_state(
            api,
            flag["id"],
            rules=[
                {"userIds": ["vip"], "serve": {"variant": "roomy"}},
                {
                    "conditions": [{"attribute": "country", "operator": "IN", "values": ["NL"]}],
                    "serve": {"variant": "compact"},
                },
            ],
        )
        vip = (await ofrep(api, flag["key"], {"targetingKey": "vip", "country": "NL"})).json()
        dutch = (await ofrep(api, flag["key"], {"targetingKey": "u2", "country": "NL"})).json()
        other = (await ofrep(api, flag["key"], {"targetingKey": "u3", "country": "BE"})).json()
        assert (vip["variant"], vip["value"], vip["reason"]) == (
            "roomy",
            {"rows": 5, "dense": False},
            "TARGETING_MATCH",
        )
        assert dutch["variant"] == "compact"
        # no rule matched: the off variant (OFREP has no DEFAULT reason)
        assert (other["variant"], other["reason"]) == ("roomy", "TARGETING_MATCH")

    async def test_a_rollout_puts_exactly_the_unleash_buckets_in(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"], rules=[{"rollout": {"percentage": 30}}])
        users = [f"user-{n}" for n in range(60)]
        got = {u: (await ofrep(api, flag["key"], {"targetingKey": u})).json() for u in users}
        expected = {u for u in users if bucket(flag["key"], u) <= 30}
        assert {u for u, b in got.items() if b["variant"] == "on"} == expected
        assert {b["reason"] for u, b in got.items() if u in expected} == {"SPLIT"}

    async def test_an_unknown_or_archived_flag_is_not_found(self, api: Api) -> None:
        answer = await ofrep(api, "no-such-flag", {"targetingKey": "u1"})
        assert answer.status_code == 404
        assert answer.json()["errorCode"] == "FLAG_NOT_FOUND"
        assert answer.json()["key"] == "no-such-flag"
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        await api.ok(
            "mutation($i: FlagArchiveInput!) { flagArchive(input: $i) { errors { code } } }",
            {"i": {"id": flag["id"], "version": flag["version"]}},
        )
        assert (await ofrep(api, flag["key"], {"targetingKey": "u1"})).status_code == 404

    async def test_a_flag_of_another_bu_reads_as_not_found(self, api: Api) -> None:
        flag = await create_flag(api, service="account-service", kind="OPS", expiresAt=None)
        await set_state(api, flag["id"], "staging")
        mine = await ofrep(api, flag["key"], {"targetingKey": "u"}, environment="staging")
        theirs = await ofrep(
            api, flag["key"], {"targetingKey": "u"}, environment="staging", as_user="engineer"
        )
        assert (mine.status_code, theirs.status_code) == (200, 404)


class TestRefusals:
    async def test_without_credentials_is_401(self, api: Api) -> None:
        answer = await api.http.post(
            "/ofrep/v1/evaluate/flags/x",
            json={"context": {"targetingKey": "u"}},
            headers={"x-signalbox-environment": ENV},
        )
        assert answer.status_code == 401

    async def test_without_an_environment_is_invalid_context(self, api: Api) -> None:
        answer = await ofrep(api, "x", {"targetingKey": "u"}, environment="")
        assert answer.status_code == 400
        assert answer.json()["errorCode"] == "INVALID_CONTEXT" and answer.json()["key"] == "x"

    async def test_a_body_that_is_not_json_is_a_parse_error(self, api: Api) -> None:
        answer = await api.http.post(
            "/ofrep/v1/evaluate/flags/x",
            content=b"{nope",
            headers={"authorization": f"Bearer {api.token('rmo')}", "x-signalbox-environment": ENV},
        )
        assert (answer.status_code, answer.json()["errorCode"]) == (400, "PARSE_ERROR")

    async def test_a_context_without_targeting_key_is_refused(self, api: Api) -> None:
        single = await ofrep(api, "x", {"country": "NL"})
        bulk = await ofrep(api, None, {"country": "NL"})
        assert single.json() == {
            "key": "x",
            "errorCode": "TARGETING_KEY_MISSING",
            "errorDetails": "The context has no targetingKey.",
        }
        assert (bulk.status_code, bulk.json()["errorCode"]) == (400, "TARGETING_KEY_MISSING")

    async def test_someone_who_may_evaluate_nowhere_is_403(self, api: Api) -> None:
        name = unique("nobody")
        await api.ok(
            "mutation($i: PersonCreateInput!) { personCreate(input: $i) { errors { code } } }",
            {"i": {"username": name, "displayName": "Nobody"}},
        )
        assert (await ofrep(api, "x", {"targetingKey": "u"}, as_user=name)).status_code == 403


class TestBulkEvaluation:
    async def test_lists_every_visible_flag_with_an_etag_and_answers_304(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        first = await ofrep(api, None, {"targetingKey": "u1"})
        assert first.status_code == 200
        keys = {f["key"]: f for f in first.json()["flags"]}
        assert keys[flag["key"]]["variant"] == "on"
        etag = first.headers["etag"]
        again = await ofrep(api, None, {"targetingKey": "u1"}, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        await set_state(api, flag["id"], version=1, enabled=False)
        changed = await ofrep(api, None, {"targetingKey": "u1"}, headers={"if-none-match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag

    async def test_shows_only_the_bus_the_caller_may_evaluate(self, api: Api) -> None:
        retail = await create_flag(api, service="account-service", kind="OPS", expiresAt=None)
        seen = await ofrep(api, None, {"targetingKey": "u"}, as_user="engineer")
        assert retail["key"] not in {f["key"] for f in seen.json()["flags"]}


class TestApiTokens:
    async def test_a_ci_token_evaluates_flags(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        secret = await ci_token(api)
        answer = await api.http.post(
            f"/ofrep/v1/evaluate/flags/{flag['key']}",
            json={"context": {"targetingKey": "build-7"}},
            headers={"authorization": f"Bearer {secret}", "x-signalbox-environment": ENV},
        )
        assert (answer.status_code, answer.json()["value"]) == (200, True)


async def ci_token(api: Api) -> str:
    from tests.api.conftest import ids

    data = await api.ok(
        "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { secret errors { code } } }",
        {
            "i": {
                "name": unique("ofrep"),
                "scopes": [{"role": "CI", "businessUnitId": (await ids(api))["payments"]}],
            }
        },
        as_user="ci",
    )
    return data["apiTokenCreate"]["secret"]  # type: ignore[no-any-return]


class TestFreshness:
    async def test_a_flag_change_through_graphql_is_seen_by_the_next_evaluation(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The cache's clock stands still, so its revision check never comes due by itself:
        # only the FlagsChanged the flag use cases record can make it look again.
        monkeypatch.setattr(api.runtime.flag_snapshots, "_monotonic", lambda: 0.0)
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        assert (await ofrep(api, flag["key"], {"targetingKey": "u1"})).json()["value"] is True
        state = await set_state(api, flag["id"], enabled=False, version=1)
        assert state["errors"] == [], state
        body = (await ofrep(api, flag["key"], {"targetingKey": "u1"})).json()
        assert (body["value"], body["reason"]) == (False, "DISABLED")


class TestLastEvaluated:
    async def test_is_kept_in_memory_and_written_in_one_batch_to_the_hour(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # No background flush in the test (the session's app last flushed at any time before
        # it, and an evaluation starts one when that is a minute old): only the one asked.
        monkeypatch.setattr(api.runtime.flag_snapshots, "_flush_every", float("inf"))
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        for n in range(5):
            await ofrep(api, flag["key"], {"targetingKey": f"u{n}"})
        query = (
            "query($k: String!) { flag(key: $k) { environments { environment lastEvaluatedAt } } }"
        )
        before = await api.ok(query, {"k": flag["key"]})
        assert before["flag"]["environments"][0]["lastEvaluatedAt"] is None
        now = api.runtime.clock.now()
        assert await api.runtime.flag_snapshots.flush(now) >= 1
        after = await api.ok(query, {"k": flag["key"]})
        stamp = after["flag"]["environments"][0]["lastEvaluatedAt"]
        assert stamp is not None and stamp.endswith(":00:00+00:00")


class TestDarkLaunchScenario:
    async def test_a_dark_launched_flag_is_off_for_customers_and_on_for_internal_users(
        self, api: Api
    ) -> None:
        internal = await segment(
            api,
            [
                {
                    "attribute": "email",
                    "operator": "STR_ENDS_WITH",
                    "values": ["@bank.example"],
                    "caseInsensitive": True,
                }
            ],
            name="Internal users",
        )
        flag = await create_flag(api, name="New payout screen")
        changed = await set_state(
            api,
            flag["id"],
            darkLaunch=True,
            darkLaunchSegment=internal["key"],
            rules=[{"rollout": {"percentage": 100}}],  # ignored while dark-launched
        )
        assert changed["state"]["darkLaunch"] is True
        customer: dict[str, Any] = {"targetingKey": "cust-1", "email": "ann@mail.example"}
        colleague: dict[str, Any] = {"targetingKey": "emp-1", "email": "Bob@Bank.example"}
        assert (await ofrep(api, flag["key"], customer)).json()["value"] is False
        assert (await ofrep(api, flag["key"], colleague)).json()["value"] is True
        bulk = {f["key"]: f for f in (await ofrep(api, None, customer)).json()["flags"]}
        assert bulk[flag["key"]]["variant"] == "off"
        # Launch: out of the dark, everyone gets it.
        await set_state(api, flag["id"], version=1)
        assert (await ofrep(api, flag["key"], customer)).json()["value"] is True
