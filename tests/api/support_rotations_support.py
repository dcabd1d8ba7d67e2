"""Helpers for the support-rotation API tests: teams, members granted in a BU, rotations,
production releases ready to be watched."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.conftest import Api, unique
from tests.api.governance_support import fill_missing, move, release, services

ERR = "errors { code message field }"
ROTATION = (
    "id version name handoverTime timeZone shiftLengthDays startsOn members { id } team { id }"
)
CREATE = f"""mutation($i: SupportRotationCreateInput!) {{ supportRotationCreate(input: $i) {{
  supportRotation {{ {ROTATION} }} {ERR} }} }}"""
UPDATE = f"""mutation($i: SupportRotationUpdateInput!) {{ supportRotationUpdate(input: $i) {{
  supportRotation {{ {ROTATION} }} {ERR} }} }}"""
SWAP = f"""mutation($i: SupportShiftSwapInput!) {{ supportShiftSwap(input: $i) {{
  supportRotation {{ id }} {ERR} }} }}"""
ASSIGN = f"""mutation($i: ReleaseWatchersAssignInput!) {{ releaseWatchersAssign(input: $i) {{
  releaseWatchers {{ id shiftNumber startsAt secondaryUntil secondaryHours
    primary {{ id }} secondary {{ id }} rotation {{ id }} }} {ERR} }} }}"""
SHIFT = "number startsAt endsAt member { id } scheduledMember { id } swap { reason gaveAway { id } coveredBy { id } swappedBy { id } }"
SHIFTS = f"""query($r: ID!, $from: DateTime!, $to: DateTime!) {{
  supportShifts(rotationId: $r, from: $from, to: $to) {{ {SHIFT} }} }}"""


async def grant(api: Api, bu_id: str, role: str = "ENGINEER", name: str | None = None) -> str:
    """A new person holding `role` in the BU (a global id); returns their id."""
    username = unique("m")
    made = await api.ok(
        "mutation($i: PersonCreateInput!) { personCreate(input: $i) { person { id } errors { code } } }",
        {"i": {"username": username, "displayName": name or username}},
    )
    person_id: str = made["personCreate"]["person"]["id"]
    await api.ok(
        "mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) { errors { code } } }",
        {"i": {"personId": person_id, "role": role, "businessUnitId": bu_id}},
    )
    return person_id


async def username_of(api: Api, person_id: str) -> str:
    data = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Person { username } } }", {"id": person_id}
    )
    return data["node"]["username"]  # type: ignore[no-any-return]


async def person_of(api: Api, as_user: str) -> str:
    data = await api.ok("{ viewer { person { id } } }", as_user=as_user)
    return data["viewer"]["person"]["id"]  # type: ignore[no-any-return]


async def team_with_service(api: Api, bu: str = "payments") -> tuple[str, str]:
    """A new team with one service in `bu` (a key or a global id): (team id, service id)."""
    [service] = await services(api, bu)
    data = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }", {"id": service}
    )
    return data["node"]["team"]["id"], service


def days_ago(api: Api, days: int) -> str:
    return (api.runtime.clock.now() - timedelta(days=days)).date().isoformat()


async def rotation(
    api: Api,
    team: str,
    members: list[str],
    *,
    starts_on: str | None = None,
    days: int = 1,
    handover: str = "00:00",
    tz: str = "UTC",
    as_user: str = "rmo",
) -> dict[str, Any]:
    """A rotation whose first hand-over was ten days ago by default (daily, at midnight UTC)."""
    data = await api.ok(
        CREATE,
        {
            "i": {
                "teamId": team,
                "name": unique("Rotation"),
                "memberIds": members,
                "handoverTime": handover,
                "timeZone": tz,
                "shiftLengthDays": days,
                "startsOn": starts_on or days_ago(api, 10),
            }
        },
        as_user=as_user,
    )
    return data["supportRotationCreate"]["supportRotation"]  # type: ignore[no-any-return]


async def production_release(
    api: Api,
    bu: str,
    service: str,
    starts_at: datetime,
    *,
    authors: list[str] | None = None,
    as_user: str = "rmo",
) -> dict[str, Any]:
    """A submitted release to production of `service`, its window opening at `starts_at`."""
    rel = await release(
        api,
        bu,
        service_ids=[service],
        as_user=as_user,
        environments=["production"],
        plannedStart=starts_at.isoformat(),
        plannedEnd=(starts_at + timedelta(hours=2)).isoformat(),
        authorIds=authors or [],
    )
    rel = await fill_missing(api, rel, as_user=as_user)
    moved = await move(api, rel, "Submit", as_user=as_user)
    assert moved["errors"] == [], moved
    return moved["release"]  # type: ignore[no-any-return]


def codes(body: dict[str, Any]) -> list[str]:
    assert "errors" not in body, body
    return [e["code"] for e in next(iter(body["data"].values()))["errors"]]


async def swap(
    api: Api, rotation_id: str, number: int, covering: str, reason: str, *, as_user: str = "rmo"
) -> dict[str, Any]:
    """Ask for another member to cover shift `number`; the answer's body."""
    return await api.gql(
        SWAP,
        {
            "i": {
                "rotationId": rotation_id,
                "shiftNumber": number,
                "coveringMemberId": covering,
                "reason": reason,
            }
        },
        as_user=as_user,
    )
