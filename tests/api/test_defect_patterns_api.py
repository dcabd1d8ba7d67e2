"""Defect patterns over a period, in a BU of their own: every kind forms from real defects,
production deployments (CDEvents) and releases; they leave as Jira CSV and JSON to the BUs the
caller may export; each new pattern is announced once (outbox webhook), whoever finds it."""

from __future__ import annotations

import csv
import io
from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api
from tests.api.test_defect_support import PATTERNS, World, ago, deploy, record, world

ANNOUNCED = """query($p: String!) { outboxMessages(filter: {topic: "defect.pattern.detected",
  keyPrefix: $p}, first: 100) { nodes { key topic } } }"""
DETECTED = """{ detectedDefectPatterns(first: 500) { nodes { kind subject defects itemType
  businessUnit { id } } } }"""


async def patterned(api: Api) -> World:
    """Defects forming one pattern of each kind in a new BU (the 28 days up to now)."""
    w = await world(api, 2)
    await deploy(api, w, 0, ago(api, days=40))
    for hours in (2, 3):
        await deploy(api, w, 0, ago(api, hours=hours))
    await record(api, w.services[0], foundAt=ago(api, days=40).isoformat(), rootCause="DESIGN")
    for _ in range(3):
        await record(
            api,
            w.services[0],
            rootCause="CONFIGURATION",
            escapedTestLayer="INTEGRATION",
            changeType="CONFIG",
        )
    return w


def by_kind(patterns: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["kind"]: p for p in patterns}


class TestPatternsOfAPeriod:
    async def test_defects_form_one_pattern_of_each_kind(self, api: Api) -> None:
        w = await patterned(api)
        data = await api.ok(PATTERNS, {"b": w.bu})
        found = by_kind(data["defectPatterns"])
        assert set(found) == {
            "RECURRING_ROOT_CAUSE",
            "RECURRING_ESCAPED_LAYER",
            "RISING_ESCAPE_RATE",
            "FAILING_CHANGE_TYPE",
        }
        cause = found["RECURRING_ROOT_CAUSE"]
        assert (cause["subject"], cause["itemType"], cause["defectCount"]) == (
            "configuration",
            "TECHNICAL_DEBT",
            3,
        )
        assert len(cause["defects"]) == 3
        layer = found["RECURRING_ESCAPED_LAYER"]
        assert (layer["subject"], layer["itemType"]) == ("integration", "TEST_AUTOMATION")
        rising = found["RISING_ESCAPE_RATE"]
        assert (rising["label"], rising["rate"], rising["previousRate"]) == (w.keys[0], 1.5, 1.0)
        assert rising["itemType"] == "TEST_AUTOMATION"  # they escaped integration tests
        failing = found["FAILING_CHANGE_TYPE"]
        assert (failing["subject"], failing["rate"]) == ("config", 3.0)
        assert cause["components"] == [w.keys[0]] and "technical-debt" in cause["labels"]

    async def test_a_higher_threshold_leaves_three_defects_short_of_a_recurrence(
        self, api: Api
    ) -> None:
        w = await patterned(api)
        data = await api.ok(
            "query($b: ID!) { defectPatterns(businessUnitId: $b, recurring: 4) { kind } }",
            {"b": w.bu},
        )
        kinds = {p["kind"] for p in data["defectPatterns"]}
        assert kinds == {"RISING_ESCAPE_RATE", "FAILING_CHANGE_TYPE"}

    async def test_a_period_that_ends_before_it_starts_is_refused(self, api: Api) -> None:
        body = await api.gql(
            "query($s: DateTime!, $u: DateTime!) { defectPatterns(since: $s, until: $u) { kind } }",
            {"s": ago(api, days=1).isoformat(), "u": ago(api, days=2).isoformat()},
        )
        extensions = body["errors"][0]["extensions"]
        assert (extensions["code"], extensions["reason"]) == ("BAD_USER_INPUT", "INVALID_PERIOD")
        body = await api.gql('{ defectPatterns(until: "0001-01-02T00:00:00+00:00") { kind } }')
        assert body["errors"][0]["extensions"]["reason"] == "INVALID_PERIOD"


async def export(api: Api, fmt: str, as_user: str | None, **params: str) -> Any:
    headers = {"authorization": f"Bearer {api.token(as_user)}"} if as_user else {}
    return await api.http.get(f"/defects/patterns.{fmt}", params=params, headers=headers)


class TestBacklogExport:
    async def test_a_pattern_export_parses_as_jira_csv(self, api: Api) -> None:
        w = await patterned(api)
        response = await export(api, "csv", "rmo", businessUnitId=w.bu)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
        header, items = rows[0], rows[1:]
        assert header[:3] == ["Summary", "Issue Type", "Priority"]
        assert header[-1] == "Description" and "Labels" in header and "Component/s" in header
        assert len(items) == 4 and all(len(r) == len(header) for r in items)
        labels = [{r[i] for i, h in enumerate(header) if h == "Labels"} for r in items]
        assert all(w.bu_key in found and "signalbox" in found for found in labels)
        # the recurring category is technical debt; the layer, the rising rate and the change
        # type follow the layer their defects escaped (integration): test automation
        assert sum("test-automation" in found for found in labels) == 3
        assert sum("technical-debt" in found for found in labels) == 1
        assert all(r[1] == "Task" and r[2] == "Medium" for r in items)

    async def test_the_json_export_carries_the_same_items(self, api: Api) -> None:
        w = await patterned(api)
        response = await export(api, "json", "auditor", businessUnitId=w.bu)
        assert response.status_code == 200
        items = response.json()["items"]
        assert sorted(i["pattern"]["kind"] for i in items) == [
            "failing_change_type",
            "recurring_escaped_layer",
            "recurring_root_cause",
            "rising_escape_rate",
        ]

    async def test_an_export_holds_only_the_callers_business_units(self, api: Api) -> None:
        w = await patterned(api)
        response = await export(api, "json", "payments-admin")
        assert response.status_code == 200
        assert all(i["pattern"]["businessUnit"] != w.bu_key for i in response.json()["items"])
        asked = await export(api, "json", "payments-admin", businessUnitId=w.bu)
        assert asked.json()["items"] == []

    async def test_without_defect_export_anywhere_it_is_forbidden(self, api: Api) -> None:
        response = await export(api, "csv", "viewer")
        assert response.status_code == 403
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_without_a_token_it_is_unauthenticated(self, api: Api) -> None:
        assert (await export(api, "csv", None)).status_code == 401

    async def test_a_bad_period_is_a_400_with_its_code(self, api: Api) -> None:
        response = await export(api, "csv", "rmo", since="yesterday")
        assert response.status_code == 400
        response = await export(api, "csv", "rmo", since="2026-12-01T10:00:00")  # no offset
        assert response.status_code == 400
        response = await export(
            api, "csv", "rmo", since="2026-12-01T10:00:00Z", until="2026-11-01T10:00:00Z"
        )
        assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_PERIOD"
        response = await export(api, "csv", "rmo", recurring="0")
        assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_THRESHOLD"


class TestANewPatternIsAnnouncedOnce:
    async def test_the_recording_that_completes_a_pattern_announces_it_once(self, api: Api) -> None:
        w = await world(api, 1)
        prefix = f"defect_pattern:{w.bu_uuid}:"
        for _ in range(3):
            await record(api, w.services[0], rootCause="DATA", escapedTestLayer="MANUAL")
        keys = [
            n["key"] for n in (await api.ok(ANNOUNCED, {"p": prefix}))["outboxMessages"]["nodes"]
        ]
        # two defects of one change type already fail most; the third recurs the category
        assert sorted(k.split(":")[2:4] for k in keys) == [
            ["failing_change_type", "payment_logic"],
            ["recurring_root_cause", "data"],
        ]
        await record(api, w.services[0], rootCause="DATA", escapedTestLayer="MANUAL")
        await api.runtime.housekeeping.sweep()
        again = (await api.ok(ANNOUNCED, {"p": prefix}))["outboxMessages"]["nodes"]
        assert [n["key"] for n in again] == keys
        detected = (await api.ok(DETECTED))["detectedDefectPatterns"]["nodes"]
        mine = [d for d in detected if d["businessUnit"]["id"] == w.bu]
        assert sorted((d["kind"], d["subject"], d["defects"]) for d in mine) == [
            ("FAILING_CHANGE_TYPE", "payment_logic", 2),
            ("RECURRING_ROOT_CAUSE", "data", 3),
        ]

    async def test_the_sweep_announces_a_pattern_nobody_announced_yet(self, api: Api) -> None:
        w = await patterned(api)
        prefix = f"defect_pattern:{w.bu_uuid}:"
        before = (await api.ok(ANNOUNCED, {"p": prefix}))["outboxMessages"]["nodes"]
        await api.runtime.housekeeping.sweep()
        after = (await api.ok(ANNOUNCED, {"p": prefix}))["outboxMessages"]["nodes"]
        assert {n["key"] for n in before} <= {n["key"] for n in after}
        assert len(after) == len({n["key"] for n in after})
        assert {n["topic"] for n in after} == {"defect.pattern.detected"}


SUBSCRIBE = """mutation($i: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $i) {
  webhookSubscription { id } errors { code } } }"""


class TestThePatternReachesSubscribers:
    async def test_a_subscription_to_the_topic_gets_one_delivery_per_new_pattern(
        self, api: Api
    ) -> None:
        w = await world(api, 1)
        made = await api.ok(
            SUBSCRIBE,
            {
                "i": {
                    "businessUnitId": w.bu,
                    "url": "https://127.0.0.1:9/backlog",
                    "topics": ["DEFECT_PATTERN_DETECTED"],
                }
            },
        )
        sub = made["webhookSubscriptionCreate"]["webhookSubscription"]["id"]
        for _ in range(3):
            await record(api, w.services[0], rootCause="PROCESS", changeType="UI")
        # The event is fanned out, then its delivery attempted; the outbox is shared with the
        # other tests' messages, so rounds run until nothing is due (bounded).
        for _ in range(200):
            if await api.runtime.outbox_delivery.run_once() == 0:
                break
        nodes = (await api.ok(ANNOUNCED, {"p": f"defect_pattern:{w.bu_uuid}:"}))["outboxMessages"][
            "nodes"
        ]
        events = [n["key"] for n in nodes if ">" not in n["key"]]
        deliveries = [n["key"] for n in nodes if ">" in n["key"]]
        # the change type fails at two defects; the category and the unit-test escapes recur at three
        assert len(events) == 3
        sub_uuid = str(from_global_id(sub))
        assert sorted(deliveries) == sorted(
            f"{e}>{sub_uuid}:defect.pattern.detected" for e in events
        )
        await api.ok(  # no endpoint listens there: stop its retries for the rest of the suite
            """mutation($i: WebhookSubscriptionRevokeInput!) { webhookSubscriptionRevoke(input: $i)
                 { errors { code } } }""",
            {"i": {"id": sub, "version": 1}},
        )
