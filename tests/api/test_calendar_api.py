"""The calendar through GraphQL: planning with conflicts, checks, suggestions, the calendar slice,
freezes with stakeholders, exceptions and their review, and constant statement counts.

The API database lives for the whole session, so every test works on fresh services, unique
environment names and its own far-future hours, and no test makes an org-wide freeze.
"""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.governance.models import Release
from tests.api.conftest import Api, ids, unique
from tests.api.test_query_cost import counting

_hours = itertools.count()
_BASE = datetime(2031, 1, 6, tzinfo=UTC) + timedelta(days=7 * random.randrange(0, 400))


def hours(n: int = 2) -> tuple[datetime, datetime]:
    """A fresh [start, end) far in the future that no other test uses."""
    start = _BASE + timedelta(hours=4 * next(_hours))
    return start, start + timedelta(hours=n)


def iso(at: datetime) -> str:
    return at.isoformat()


WINDOW_FIELDS = """deploymentWindow { id version title startsAt endsAt services { key } resources businessUnit { key } releaseId }
  conflicts { kind severity message window { id } freeze { id } services { key } resources shouldMove advice }
  errors { code message field }"""
PLAN = f"mutation($i: DeploymentWindowPlanInput!) {{ deploymentWindowPlan(input: $i) {{ {WINDOW_FIELDS} }} }}"
MOVE = f"mutation($i: DeploymentWindowMoveInput!) {{ deploymentWindowMove(input: $i) {{ {WINDOW_FIELDS} }} }}"
FREEZE_FIELDS = "freeze { id status version rrule timeZone stakeholders { decision person { username } } } errors { code message field }"
PROPOSE = f"mutation($i: FreezeProposeInput!) {{ freezePropose(input: $i) {{ {FREEZE_FIELDS} }} }}"
APPROVE = f"mutation($i: FreezeDecisionInput!) {{ freezeApprove(input: $i) {{ {FREEZE_FIELDS} }} }}"
EXC_FIELDS = "freezeException { id status expiresAt reviewNote releaseId window { id } freeze { id } requestedBy { username } } errors { code message field }"
REQUEST = f"mutation($i: FreezeExceptionRequestInput!) {{ freezeExceptionRequest(input: $i) {{ {EXC_FIELDS} }} }}"
EXC_APPROVE = f"mutation($i: FreezeExceptionDecisionInput!) {{ freezeExceptionApprove(input: $i) {{ {EXC_FIELDS} }} }}"
REVIEW = f"mutation($i: FreezeExceptionReviewInput!) {{ freezeExceptionReview(input: $i) {{ {EXC_FIELDS} }} }}"


async def services(api: Api, count: int = 2, *, tier: str = "INTERNAL") -> list[str]:
    """Fresh services in a fresh payments team; each depends on the one before it."""
    bu = (await ids(api))["payments"]
    team = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": bu, "key": unique("cal"), "name": "Calendar"}},
    )
    made: list[str] = []
    for _ in range(count):
        data = await api.ok(
            "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } errors { code } } }",
            {
                "i": {
                    "teamId": team["teamCreate"]["team"]["id"],
                    "key": unique("cal"),
                    "name": "S",
                    "tier": tier,
                    "dataClassification": "INTERNAL",
                }
            },
        )
        made.append(data["serviceCreate"]["service"]["id"])
        if len(made) > 1:
            await api.ok(
                "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { errors { code } } }",
                {"i": {"consumerId": made[-1], "providerId": made[-2]}},
            )
    return made


async def people(api: Api) -> dict[str, str]:
    data = await api.ok("{ people(first: 500) { nodes { id username } } }")
    return {n["username"]: n["id"] for n in data["people"]["nodes"]}


async def release(
    api: Api, bu_key: str = "payments", title: str = "Release", release_type: str = "standard"
) -> str:
    """A release row inserted directly (the governance use cases are another context's)."""
    from api.graphql.relay import from_global_id, to_global_id

    bu = from_global_id((await ids(api))[bu_key], "BusinessUnit")
    owner = from_global_id((await people(api))["rmo"], "Person")
    now = api.runtime.clock.now()
    session = api.runtime.db.write_session()
    try:
        row = Release(
            id=uuid.uuid4(),
            bu_id=bu,
            title=title,
            description="",
            release_type=release_type,
            status="approved",
            owner_id=owner,
            change_types=[],
            environments=[],
            regions=[],
            documentation={},
            checked_templates=[],
            status_reason="",
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        await session.commit()
        return to_global_id("Release", row.id)
    finally:
        await session.close()


async def plan(api: Api, *, as_user: str = "rmo", **fields: Any) -> dict[str, Any]:
    bu = (await ids(api))["payments"]
    start, end = fields.pop("at", None) or hours()
    payload = {
        "businessUnitId": bu,
        "kind": "MAINTENANCE",
        "title": unique("w"),
        "startsAt": iso(start),
        "endsAt": iso(end),
        **fields,
    }
    body = await api.gql(PLAN, {"i": payload}, as_user=as_user)
    return body["data"]["deploymentWindowPlan"]


async def approved_freeze(
    api: Api, *, stakeholders: list[str] | None = None, **fields: Any
) -> dict[str, Any]:
    """A freeze on a unique environment of payments, approved by its stakeholders (rmo)."""
    bu = (await ids(api))["payments"]
    who = await people(api)
    names = stakeholders or ["rmo"]
    payload = {
        "title": unique("freeze"),
        "scope": "ENVIRONMENTS",
        "businessUnitId": bu,
        "environments": [unique("env")],
        "stakeholderIds": [who[n] for n in names],
        **fields,
    }
    freeze = (await api.ok(PROPOSE, {"i": payload}))["freezePropose"]["freeze"]
    for name in names:
        freeze = (await api.ok(APPROVE, {"i": {"id": freeze["id"]}}, as_user=name))[
            "freezeApprove"
        ]["freeze"]
    return {**freeze, "environment": payload["environments"][0]}


class TestPlanningThroughGraphQL:
    async def test_a_blocking_conflict_refuses_and_lists_the_conflicts(self, api: Api) -> None:
        [svc] = await services(api, 1)
        slot = hours()
        first = await plan(api, serviceIds=[svc], at=slot)
        assert first["errors"] == [] and first["conflicts"] == []
        assert first["deploymentWindow"]["businessUnit"]["key"] == "payments"
        second = await plan(
            api, serviceIds=[svc], at=(slot[0] + timedelta(hours=1), slot[1] + timedelta(hours=1))
        )
        assert second["deploymentWindow"] is None
        assert [e["code"] for e in second["errors"]] == ["CONFLICTS"]
        assert [(c["kind"], c["severity"], c["window"]["id"]) for c in second["conflicts"]] == [
            ("SAME_SERVICE", "BLOCKING", first["deploymentWindow"]["id"])
        ]

    async def test_a_warning_is_returned_with_the_planned_window(self, api: Api) -> None:
        provider, consumer = await services(api, 2)
        slot = hours()
        await plan(api, serviceIds=[provider], at=slot)
        second = await plan(api, serviceIds=[consumer], at=slot)
        assert second["errors"] == []
        assert [(c["kind"], c["severity"]) for c in second["conflicts"]] == [
            ("DEPENDENCY", "WARNING")
        ]
        assert {s["key"] for s in second["conflicts"][0]["services"]} == {
            s["key"] for s in second["deploymentWindow"]["services"]
        } | {s["key"] for s in second["conflicts"][0]["services"]}

    async def test_moving_onto_a_busy_slot_is_refused(self, api: Api) -> None:
        [svc] = await services(api, 1)
        busy, free = hours(), hours()
        await plan(api, serviceIds=[svc], at=busy)
        mine = (await plan(api, serviceIds=[svc], at=free))["deploymentWindow"]
        moved = (
            await api.gql(
                MOVE,
                {
                    "i": {
                        "id": mine["id"],
                        "version": 1,
                        "startsAt": iso(busy[0]),
                        "endsAt": iso(busy[1]),
                    }
                },
            )
        )["data"]["deploymentWindowMove"]
        assert [e["code"] for e in moved["errors"]] == ["CONFLICTS"]

    async def test_another_units_business_unit_reads_as_not_found(self, api: Api) -> None:
        retail = (await ids(api))["retail"]
        start, end = hours()
        body = await api.gql(
            PLAN,
            {
                "i": {
                    "businessUnitId": retail,
                    "kind": "MAINTENANCE",
                    "title": "x",
                    "startsAt": iso(start),
                    "endsAt": iso(end),
                }
            },
            as_user="release-manager",
        )
        assert body["data"]["deploymentWindowPlan"]["errors"][0]["code"] == "NOT_FOUND"


class TestCheckingAndSuggesting:
    async def test_window_conflicts_checks_without_planning(self, api: Api) -> None:
        provider, consumer = await services(api, 2)
        slot = hours()
        await plan(api, serviceIds=[provider], resources=["pg-1"], at=slot)
        bu = (await ids(api))["payments"]
        data = await api.ok(
            "query($i: WindowConflictsInput!) { windowConflicts(input: $i) { kind severity resources } }",
            {
                "i": {
                    "businessUnitId": bu,
                    "serviceIds": [consumer],
                    "resources": ["pg-1"],
                    "startsAt": iso(slot[0]),
                    "endsAt": iso(slot[1]),
                }
            },
        )
        assert sorted((c["kind"], c["severity"]) for c in data["windowConflicts"]) == [
            ("DEPENDENCY", "WARNING"),
            ("SHARED_RESOURCE", "WARNING"),
        ]

    async def test_suggestions_skip_busy_windows(self, api: Api) -> None:
        [svc] = await services(api, 1)
        slot = hours(2)
        await plan(api, serviceIds=[svc], at=slot)
        bu = (await ids(api))["payments"]
        data = await api.ok(
            "query($i: WindowSuggestionsInput!) { windowSuggestions(input: $i) { startsAt endsAt } }",
            {
                "i": {
                    "businessUnitId": bu,
                    "serviceIds": [svc],
                    "durationMinutes": 60,
                    "count": 2,
                    "after": iso(slot[0]),
                    "before": iso(slot[0] + timedelta(days=1)),
                }
            },
        )
        starts = [datetime.fromisoformat(s["startsAt"]) for s in data["windowSuggestions"]]
        assert starts == [slot[1], slot[1] + timedelta(hours=1)]


class TestTheCalendarSlice:
    async def test_recurring_freezes_are_expanded_and_conflicts_listed(self, api: Api) -> None:
        provider, consumer = await services(api, 2)
        slot = hours()
        start = slot[0]
        freeze = await approved_freeze(
            api,
            startsAt=iso(start),
            endsAt=iso(start + timedelta(hours=1)),
            rrule="FREQ=DAILY;COUNT=5",
            timeZone="Europe/Amsterdam",
        )
        await plan(api, serviceIds=[provider], at=slot)
        await plan(api, serviceIds=[consumer], at=slot)
        data = await api.ok(
            """query($i: CalendarInput!) { calendar(input: $i) {
                 windows { id } freezeOccurrences { freezeId rrule startsAt status }
                 conflicts { kind severity first { id } second { id } } } }""",
            {
                "i": {
                    "from": iso(start),
                    # two and a half days: three daily occurrences even when a daylight-saving
                    # change in Amsterdam shifts them by an hour (the slot's week is random)
                    "to": iso(start + timedelta(days=2, hours=12)),
                    "serviceId": consumer,
                    "environment": None,
                }
            },
        )
        mine = [o for o in data["calendar"]["freezeOccurrences"] if o["freezeId"] == freeze["id"]]
        assert len(mine) == 3 and mine[0]["rrule"] == "FREQ=DAILY;COUNT=5"
        assert len(data["calendar"]["windows"]) == 1  # the slice is the consumer's windows
        everything = await api.ok(
            "query($i: CalendarInput!) { calendar(input: $i) { windows { id } conflicts { kind severity } } }",
            {"i": {"from": iso(slot[0]), "to": iso(slot[1])}},
        )
        assert {"kind": "DEPENDENCY", "severity": "WARNING"} in everything["calendar"]["conflicts"]


class TestFreezesNeedTheirStakeholders:
    async def test_someone_not_named_cannot_approve(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        who = await people(api)
        start, end = hours()
        proposed = await api.ok(
            PROPOSE,
            {
                "i": {
                    "title": "F",
                    "scope": "ENVIRONMENTS",
                    "businessUnitId": bu,
                    "environments": [unique("env")],
                    "startsAt": iso(start),
                    "endsAt": iso(end),
                    "stakeholderIds": [who["approver"]],
                }
            },
            as_user="release-manager",
        )
        freeze = proposed["freezePropose"]["freeze"]
        assert freeze["status"] == "PROPOSED"
        body = await api.gql(APPROVE, {"i": {"id": freeze["id"]}}, as_user="release-manager")
        assert body["data"]["freezeApprove"]["errors"][0]["code"] == "NOT_A_STAKEHOLDER"
        done = await api.ok(APPROVE, {"i": {"id": freeze["id"], "note": "ok"}}, as_user="approver")
        assert done["freezeApprove"]["freeze"]["status"] == "APPROVED"

    async def test_bad_rules_and_zones_are_refused_with_their_codes(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        who = await people(api)
        start, end = hours()
        base = {
            "title": "F",
            "scope": "BU",
            "businessUnitId": bu,
            "startsAt": iso(start),
            "endsAt": iso(end),
            "stakeholderIds": [who["rmo"]],
        }
        for extra, code in (
            ({"rrule": "FREQ=MONTHLY;BYDAY=XX"}, "INVALID_RRULE"),
            ({"rrule": "FREQ=MINUTELY"}, "INVALID_RRULE"),
            ({"rrule": "FREQ=WEEKLY", "timeZone": "Europe/Atlantis"}, "INVALID_TIMEZONE"),
            ({"rrule": "FREQ=DAILY;BYHOUR=1,2,3"}, "TOO_MANY_OCCURRENCES"),
        ):
            body = await api.gql(PROPOSE, {"i": {**base, **extra}})
            assert body["data"]["freezePropose"]["errors"][0]["code"] == code, extra


class TestExceptionsThroughGraphQL:
    async def test_an_exception_is_approved_by_someone_else_and_reviewed(self, api: Api) -> None:
        rel = await release(api)
        now = api.runtime.clock.now()
        past = (now - timedelta(days=2), now - timedelta(days=2) + timedelta(hours=2))
        env = unique("env")
        window = (await plan(api, kind="RELEASE", releaseId=rel, environment=env, at=past))[
            "deploymentWindow"
        ]
        freeze = await approved_freeze(
            api,
            environments=[env],
            startsAt=iso(past[0] - timedelta(hours=1)),
            endsAt=iso(past[1] + timedelta(hours=1)),
        )
        requested = await api.ok(
            REQUEST,
            {
                "i": {
                    "freezeId": freeze["id"],
                    "windowId": window["id"],
                    "justification": "Regulator deadline",
                    "expiresAt": iso(now + timedelta(hours=1)),
                }
            },
            as_user="release-manager",
        )
        exc = requested["freezeExceptionRequest"]["freezeException"]
        assert exc["status"] == "REQUESTED" and exc["releaseId"] == rel
        body = await api.gql(EXC_APPROVE, {"i": {"id": exc["id"]}}, as_user="release-manager")
        assert body["data"]["freezeExceptionApprove"]["errors"][0]["code"] == "SELF_APPROVAL"
        await api.ok(EXC_APPROVE, {"i": {"id": exc["id"]}}, as_user="payments-admin")
        listed = await api.ok(
            "{ freezeExceptionsForReview(first: 500) { nodes { id window { id } } } }"
        )
        assert exc["id"] in [n["id"] for n in listed["freezeExceptionsForReview"]["nodes"]]
        reviewed = await api.ok(
            REVIEW, {"i": {"id": exc["id"], "note": "Went out clean."}}, as_user="payments-admin"
        )
        assert (
            reviewed["freezeExceptionReview"]["freezeException"]["reviewNote"] == "Went out clean."
        )
        listed = await api.ok("{ freezeExceptionsForReview(first: 500) { nodes { id } } }")
        assert exc["id"] not in [n["id"] for n in listed["freezeExceptionsForReview"]["nodes"]]


NESTED = """query($f: DeploymentWindowFilter, $n: Int) { deploymentWindows(filter: $f, first: $n) {
  nodes { id title resources businessUnit { key } services { key team { key } } } } }"""


class TestNestedWindowsCostConstantStatements:
    async def test_statement_count_does_not_grow_with_windows(self, api: Api) -> None:
        env = unique("env")
        made = await services(api, 3)
        for _ in range(6):
            await plan(api, environment=env, serviceIds=made, resources=["r1", "r2"], at=hours())
        small_vars = {"f": {"environment": env}, "n": 1}
        large_vars = {"f": {"environment": env}, "n": 50}
        await api.ok(NESTED, small_vars)
        with counting(api) as small:
            await api.ok(NESTED, small_vars)
        with counting(api) as large:
            data = await api.ok(NESTED, large_vars)
        assert len(data["deploymentWindows"]["nodes"]) == 6
        assert len(large) == len(small), (len(small), len(large))
