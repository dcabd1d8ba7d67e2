"""Every role against every downtime-notice mutation and query family, per authz/PERMISSIONS.md.

As in test_vendors_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried on a fresh payments release, team or service and must run
exactly where the matrix ticks. Acknowledging is `downtime_notice/sign` in the team's BU,
escalating `downtime_notice/update` (tried once the notice period has passed would need a
moved clock: here a refusal for the period still running counts as the use case having run).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import release, services
from tests.api.notices_support import SUBSCRIBE, consumer, issue, notice_input, team_of
from tests.api.test_permission_matrix import USERS, expected

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


def ran(body: dict[str, Any]) -> bool:
    """True when the use case ran (its own refusals included); False when FORBIDDEN or when
    the thing read as absent (NOT_FOUND)."""
    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        return False
    payload = next(iter(body["data"].values()))
    codes = [e["code"] for e in payload["errors"]]
    return "NOT_FOUND" not in codes


async def _release(api: Api) -> dict[str, Any]:
    [svc] = await services(api, "payments")
    return {"release": (await release(api, service_ids=[svc]))["id"]}


async def _noticed(api: Api) -> dict[str, Any]:
    [svc] = await services(api, "payments")
    team = await team_of(api, await consumer(api, svc))
    notice = await issue(api, (await release(api, service_ids=[svc]))["id"])
    return {"notice": notice["id"], "version": notice["version"], "team": team["id"]}


async def _team(api: Api) -> dict[str, Any]:
    [svc] = await services(api, "payments")
    return {"team": (await team_of(api, svc))["id"], "service": svc}


async def _subscribed(api: Api) -> dict[str, Any]:
    ctx = await _team(api)
    made = await api.ok(
        SUBSCRIBE,
        {"i": {"subject": "SERVICE", "subjectId": ctx["service"], "email": "a@bank.example"}},
    )
    return {"subscription": made["downtimeSubscriptionCreate"]["downtimeSubscription"]["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[Api, dict[str, Any]], Any]]] = [
    (
        "downtimeNoticeIssue",
        "downtime_notice",
        "create",
        _release,
        _m("downtimeNoticeIssue", "DowntimeNoticeIssueInput"),
        lambda api, c: notice_input(api, c["release"]),
    ),
    (
        "downtimeNoticeAcknowledge",
        "downtime_notice",
        "sign",
        _noticed,
        _m("downtimeNoticeAcknowledge", "DowntimeNoticeAcknowledgeInput"),
        lambda api, c: {"noticeId": c["notice"], "teamId": c["team"]},
    ),
    (
        "downtimeNoticeEscalate",
        "downtime_notice",
        "update",
        _noticed,
        _m("downtimeNoticeEscalate", "DowntimeNoticeEscalateInput"),
        lambda api, c: {"id": c["notice"], "version": c["version"], "note": "Paged."},
    ),
    (
        "downtimeSubscriptionCreate",
        "downtime_subscription",
        "create",
        _team,
        _m("downtimeSubscriptionCreate", "DowntimeSubscriptionCreateInput"),
        lambda api, c: {"subject": "TEAM", "subjectId": c["team"], "email": "t@bank.example"},
    ),
    (
        "downtimeSubscriptionDelete",
        "downtime_subscription",
        "delete",
        _subscribed,
        _m("downtimeSubscriptionDelete", "DowntimeSubscriptionDeleteInput"),
        lambda api, c: {"id": c["subscription"]},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(api, ctx)}, as_user=USERS[role])
    assert ran(body) is expected(role, resource, action, org_level=False), (name, role, body)


async def test_an_escalation_refused_for_the_running_period_still_ran_the_use_case(
    api: Api,
) -> None:
    ctx = await _noticed(api)
    body = await api.gql(
        _m("downtimeNoticeEscalate", "DowntimeNoticeEscalateInput"),
        {"i": {"id": ctx["notice"], "version": ctx["version"], "note": ""}},
        as_user="release-manager",
    )
    assert [e["code"] for e in body["data"]["downtimeNoticeEscalate"]["errors"]] == [
        "NOTICE_PERIOD_RUNNING"
    ]


QUERIES = [
    (
        "downtime_notice",
        _noticed,
        "query($r: ID!) { node(id: $r) { ... on DowntimeNotice { id } } }",
        lambda c: {"r": c["notice"]},
        lambda d: d["node"],
    ),
    (
        "downtime_subscription",
        _subscribed,
        "query($r: ID!) { node(id: $r) { ... on DowntimeSubscription { id } } }",
        lambda c: {"r": c["subscription"]},
        lambda d: d["node"],
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_query_family_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, fixture, query, variables, rows = case
    ctx = await fixture(api)
    body = await api.gql(query, variables(ctx), as_user=USERS[role])
    visible = not body.get("errors") and bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
