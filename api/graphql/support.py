"""Production support rotations: a team's rotation, its shifts, who is on shift, fairness,
and the mutations that set rotations up, swap shifts and assign a release's watchers."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Annotated, Any

import strawberry

from api.graphql import support_inputs as si
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import PageArgs, connection_field, from_global_id, from_optional_global_id
from api.graphql.support_types import (
    ReleaseWatchers,
    SupportMemberLoad,
    SupportRotation,
    SupportShift,
)
from api.graphql.user_errors import SUPPORT
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.support import commands as cmd
from domain.support import queries as sq
from domain.support import rotations, swaps, watchers

run = MutationRunner(SUPPORT)
rotation_payload = run.into(si.SupportRotationPayload, support_rotation=SupportRotation)
watchers_payload = run.into(si.ReleaseWatchersPayload, release_watchers=ReleaseWatchers)
From = Annotated[datetime, strawberry.argument(name="from")]


@strawberry.input(description="Which rotations.")
class SupportRotationFilter:
    team_id: strawberry.ID | None = None


@strawberry.type
class SupportQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """The node types this module serves, for `node(id:)`."""
        return {"SupportRotation": ("support_rotation", SupportRotation)}

    @connection_field(
        SupportRotation,
        description="The support rotations you may read (of one team when asked), oldest first.",
    )
    def support_rotations(
        r: Reader, filter: SupportRotationFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        team = from_optional_global_id(filter.team_id, "Team", "teamId")
        return sq.rotations(r, team_id=team, **page)

    @strawberry.field(
        description="A rotation's shifts overlapping [from, to): at most 366 days, 500 shifts."
    )
    async def support_shifts(
        self, info: Info, rotation_id: strawberry.ID, from_: From, to: datetime
    ) -> list[SupportShift]:
        rid = from_global_id(rotation_id, "SupportRotation", "rotationId")
        async with info.context.reader() as r:
            found = await sq.shifts(r, rid, from_, to)
        return [SupportShift.of(rid, s) for s in found]

    @strawberry.field(
        description="Who is on shift for a team, or for a service's team, at `at` (now by "
        "default); null without a rotation you may read or before its first hand-over."
    )
    async def support_on_shift(
        self,
        info: Info,
        team_id: strawberry.ID | None = None,
        service_id: strawberry.ID | None = None,
        at: datetime | None = None,
    ) -> SupportShift | None:
        when = at or info.context.runtime.clock.now()
        async with info.context.reader() as r:
            found = await sq.on_shift(
                r,
                team_id=from_optional_global_id(team_id, "Team", "teamId"),
                service_id=from_optional_global_id(service_id, "Service", "serviceId"),
                at=when,
            )
        return None if found is None else SupportShift.of(found[0].id, found[1])

    @strawberry.field(
        description="Fairness over [from, to) (at most 366 days): per member, shifts, hours on "
        "shift and the production releases watched as primary and as secondary."
    )
    async def support_fairness(
        self, info: Info, rotation_id: strawberry.ID, from_: From, to: datetime
    ) -> list[SupportMemberLoad]:
        rid = from_global_id(rotation_id, "SupportRotation", "rotationId")
        async with info.context.reader() as r:
            found = await sq.fairness(r, rid, from_, to)
        return [SupportMemberLoad.from_row(m) for m in found]


@strawberry.type
class SupportMutation:
    @rotation_payload.mutation(
        rotations.create_rotation,
        description="Set up a team's support rotation (one per team): members in order, "
        "hand-over time and zone, shift length, first hand-over day.",
    )
    def support_rotation_create(input: si.SupportRotationCreateInput) -> cmd.CreateRotation:
        return si.rotation_create(input)

    @rotation_payload.mutation(
        rotations.update_rotation,
        description="Change a rotation's name, members or hand-over; its shifts follow.",
    )
    def support_rotation_update(input: si.SupportRotationUpdateInput) -> cmd.UpdateRotation:
        return si.rotation_update(input)

    @rotation_payload.mutation(
        swaps.swap_shift,
        description="Let another member cover a shift that is not over (PAST_SHIFT), with a "
        "reason, or exchange it for one of theirs (`returnShiftNumber`); members swap only "
        "their own shifts (NOT_YOUR_SHIFT), managers anyone's.",
    )
    def support_shift_swap(input: si.SupportShiftSwapInput) -> cmd.SwapShift:
        return si.shift_swap(input)

    @watchers_payload.mutation(
        watchers.assign_watchers,
        description="Assign a production release's watchers: the member on shift when its "
        "window opens, and the author the rule picks as secondary.",
    )
    def release_watchers_assign(input: si.ReleaseWatchersAssignInput) -> cmd.AssignWatchers:
        return cmd.AssignWatchers(from_global_id(input.release_id, "Release", "releaseId"))
