"""Types of production support rotations: a team's rotation, its shifts (computed), swaps,
fairness, and a release's watchers (on `Release.watchers`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.organization_types import BusinessUnit, Person, Team
from api.graphql.relay import Node, load_node, load_nodes, node_field, to_global_id
from api.graphql.rows import FromColumns, from_columns
from domain.support import rules
from domain.support.facts import schedule_of, swaps_by_number


@strawberry.type(description="Another member covers a shift, and why.")
class SupportSwap(FromColumns):
    reason: str
    created_at: datetime
    original_uid: strawberry.Private[uuid.UUID]
    covering_uid: strawberry.Private[uuid.UUID]
    swapped_by_uid: strawberry.Private[uuid.UUID | None]

    gave_away = node_field(Person, "person", "original_uid", "Whom the order gave the shift to.")
    covered_by = node_field(Person, "person", "covering_uid", "Who covers it instead.")
    swapped_by = node_field(Person, "person", "swapped_by_uid", "Who recorded the swap.")


@strawberry.type(description="One shift of a rotation (computed from its order and swaps).")
class SupportShift:
    number: int = strawberry.field(description="0 from the first hand-over; swaps name it.")
    starts_at: datetime = strawberry.field(description="The hand-over that starts it.")
    ends_at: datetime
    swap: SupportSwap | None = strawberry.field(
        description="The swap that gave it to another member; null when the order holds."
    )
    member_uid: strawberry.Private[uuid.UUID]
    scheduled_uid: strawberry.Private[uuid.UUID]
    rotation_uid: strawberry.Private[uuid.UUID]

    member = node_field(Person, "person", "member_uid", "Who is on shift.")
    scheduled_member = node_field(Person, "person", "scheduled_uid", "Whom the order gives it.")

    @strawberry.field(description="The rotation it belongs to.")
    async def rotation(self, info: Info) -> SupportRotation | None:
        return await load_node(
            info.context.loaders.support_rotation, SupportRotation, self.rotation_uid
        )

    @classmethod
    def of(cls, rotation_id: uuid.UUID, s: rules.Shift) -> SupportShift:
        return cls(
            number=s.number,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            swap=None if s.swap is None else SupportSwap.from_row(s.swap),
            member_uid=s.member_id,
            scheduled_uid=s.scheduled_id,
            rotation_uid=rotation_id,
        )


@strawberry.type(description="One member's load over a period.")
class SupportMemberLoad(FromColumns):
    shifts: int = strawberry.field(description="Shifts starting in the period.")
    hours_on_shift: float = strawberry.field(description="Hours on shift within the period.")
    release_primaries: int = strawberry.field(
        description="Production releases watched as primary (window opened in the period)."
    )
    release_secondaries: int = strawberry.field(
        description="Production releases watched as secondary (window opened in the period)."
    )
    member_uid: strawberry.Private[uuid.UUID]

    member = node_field(Person, "person", "member_uid")


@strawberry.type(description="A team's production support rotation.")
class SupportRotation(Node):
    id: strawberry.ID
    name: str
    handover_time: str = strawberry.field(description="Local 'HH:MM' in `timeZone`.")
    time_zone: str = strawberry.field(description="IANA zone of the hand-over.")
    shift_length_days: int
    starts_on: str = strawberry.field(description="Day of the first hand-over, 'YYYY-MM-DD'.")
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    row: strawberry.Private[Any]
    team_uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]

    team = node_field(Team, "team", "team_uid")
    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @classmethod
    def from_row(cls, r: Any) -> SupportRotation:
        return cls(
            id=strawberry.ID(to_global_id("SupportRotation", r.id)),
            name=r.name,
            handover_time=r.handover,
            time_zone=r.tzid,
            shift_length_days=r.shift_days,
            starts_on=r.starts_on,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
            uid=r.id,
            row=r,
            team_uid=r.team_id,
            bu_uid=r.bu_id,
        )

    @strawberry.field(description="The members in rotation order.")
    async def members(self, info: Info) -> list[Person]:
        ids = [uuid.UUID(str(m)) for m in self.row.members]
        return await load_nodes(info.context.loaders.person, Person, ids)

    async def _swaps(self, info: Info) -> dict[int, rules.SwapFacts]:
        return swaps_by_number(await info.context.loaders.support_swaps.load(self.uid))

    @strawberry.field(
        description="Its shifts overlapping [from, to): at most 366 days, 500 shifts."
    )
    async def shifts(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[SupportShift]:
        rules.check_range(from_, to)
        found = rules.shifts_between(schedule_of(self.row), await self._swaps(info), from_, to)
        return [SupportShift.of(self.uid, s) for s in found]

    @strawberry.field(description="The shift under way now; null before the first hand-over.")
    async def on_shift(self, info: Info) -> SupportShift | None:
        now = info.context.runtime.clock.now()
        found = rules.on_shift(schedule_of(self.row), await self._swaps(info), now)
        return None if found is None else SupportShift.of(self.uid, found)


@strawberry.type(description="Who watches a production release after its window opens.")
class ReleaseWatchers:
    id: strawberry.ID = strawberry.field(description="The assignment's id (in the audit trail).")
    shift_number: int
    starts_at: datetime = strawberry.field(description="When its production window opened.")
    secondary_until: datetime = strawberry.field(
        description="When the secondary stops watching (`release_secondary_hours` after)."
    )
    secondary_hours: int
    created_at: datetime
    rotation_uid: strawberry.Private[uuid.UUID]
    primary_uid: strawberry.Private[uuid.UUID]
    secondary_uid: strawberry.Private[uuid.UUID | None]

    primary = node_field(Person, "person", "primary_uid", "The member on shift then.")
    secondary = node_field(
        Person, "person", "secondary_uid", "The author rotated in; null when none but the primary."
    )

    @strawberry.field(description="The rotation the primary came from.")
    async def rotation(self, info: Info) -> SupportRotation | None:
        return await load_node(
            info.context.loaders.support_rotation, SupportRotation, self.rotation_uid
        )

    @strawberry.field(description="Whether the secondary watches now.")
    def secondary_watching(self, info: Info) -> bool:
        now = info.context.runtime.clock.now()
        return self.secondary_uid is not None and self.starts_at <= now < self.secondary_until

    @classmethod
    def from_row(cls, r: Any) -> ReleaseWatchers:
        return from_columns(cls, r)


async def release_watchers(info: Info, release_id: uuid.UUID) -> ReleaseWatchers | None:
    """The release's watchers; null when none are assigned or not yours to read."""
    return await load_node(info.context.loaders.release_watch, ReleaseWatchers, release_id)
