"""Inputs and payloads of the support-rotation mutations, and their decoding into commands."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.relay import from_global_id
from api.graphql.support_types import ReleaseWatchers, SupportRotation
from api.graphql.user_errors import UserError
from domain.support import commands as cmd


@strawberry.input
class SupportRotationCreateInput:
    team_id: strawberry.ID
    name: str
    member_ids: list[strawberry.ID] = strawberry.field(
        description="People holding a role in the team's BU, in rotation order."
    )
    handover_time: str = strawberry.field(description="Local 'HH:MM' (24-hour).")
    time_zone: str = strawberry.field(description="IANA zone, e.g. Europe/Zurich.")
    shift_length_days: int = strawberry.field(description="1 to 28.")
    starts_on: str = strawberry.field(description="Day of the first hand-over, 'YYYY-MM-DD'.")


@strawberry.input(description="Null fields keep their value.")
class SupportRotationUpdateInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    member_ids: list[strawberry.ID] | None = None
    handover_time: str | None = None
    time_zone: str | None = None
    shift_length_days: int | None = None
    starts_on: str | None = None


@strawberry.input(description="Another member covers one shift that is not over yet.")
class SupportShiftSwapInput:
    rotation_id: strawberry.ID
    shift_number: int = strawberry.field(description="The shift's `number`.")
    covering_member_id: strawberry.ID
    reason: str
    return_shift_number: int | None = strawberry.field(
        default=None,
        description="Make it an exchange: a shift of the covering member's that the member "
        "giving this one away takes in return.",
    )


@strawberry.input
class ReleaseWatchersAssignInput:
    release_id: strawberry.ID


@strawberry.type
class SupportRotationPayload:
    support_rotation: SupportRotation | None
    errors: list[UserError]


@strawberry.type
class ReleaseWatchersPayload:
    release_watchers: ReleaseWatchers | None
    errors: list[UserError]


def _schedule(i: SupportRotationCreateInput | SupportRotationUpdateInput) -> dict[str, Any]:
    """The fields a rotation's input shares with its command: name, members, schedule."""
    members = (
        None
        if i.member_ids is None
        else [from_global_id(m, "Person", "memberIds") for m in i.member_ids]
    )
    return {
        "name": i.name,
        "member_ids": members,
        "handover_time": i.handover_time,
        "time_zone": i.time_zone,
        "shift_length_days": i.shift_length_days,
        "starts_on": i.starts_on,
    }


def rotation_create(i: SupportRotationCreateInput) -> cmd.CreateRotation:
    return cmd.CreateRotation(team_id=from_global_id(i.team_id, "Team", "teamId"), **_schedule(i))


def rotation_update(i: SupportRotationUpdateInput) -> cmd.UpdateRotation:
    return cmd.UpdateRotation(
        rotation_id=from_global_id(i.id, "SupportRotation"), version=i.version, **_schedule(i)
    )


def shift_swap(i: SupportShiftSwapInput) -> cmd.SwapShift:
    return cmd.SwapShift(
        rotation_id=from_global_id(i.rotation_id, "SupportRotation", "rotationId"),
        shift_number=i.shift_number,
        covering_id=from_global_id(i.covering_member_id, "Person", "coveringMemberId"),
        reason=i.reason,
        return_shift_number=i.return_shift_number,
    )
