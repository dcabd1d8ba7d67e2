"""Production support rotations in the living world: a rotation for every demo team, a swap
with its reason, and the production releases' watchers.

Payments' teams rotate their engineers, SREs and leads weekly at 09:00 Zurich time; retail's
BU admin carries its teams alone (a small BU); the platform BU gets two on-call people of its
own. The acquiring rotation's next shift is swapped ("Conference"), and the card gateway's
3-D Secure exemptions release and the settlement cut-off get the member on shift and their
author as watchers.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.organization import commands as org_cmd
from domain.organization import identity
from domain.support import commands as cmd
from domain.support import rotations, swaps, watchers
from domain.support.facts import schedule_of
from domain.support.rules import number_at, shift

if TYPE_CHECKING:
    from api.runtime import Runtime

# team key -> (members by username, hand-over, zone, shift days, who sets it up)
ROTATIONS: dict[str, tuple[list[str], str, str, int, str]] = {
    "acquiring": (
        ["sre", "eng-approver", "release-manager"],
        "09:00",
        "Europe/Zurich",
        7,
        "payments-admin",
    ),
    "payouts": (["engineer", "sre"], "09:00", "Europe/Zurich", 7, "payments-admin"),
    "ledger": (
        ["product-owner", "engineer", "sre"],
        "09:00",
        "Europe/Zurich",
        7,
        "release-manager",
    ),
    "accounts": (["retail-admin"], "10:00", "Europe/Lisbon", 7, "retail-admin"),
    "cards": (["retail-admin"], "10:00", "Europe/Lisbon", 7, "retail-admin"),
    "mobile": (["retail-admin"], "10:00", "Europe/Lisbon", 7, "retail-admin"),
    "identity": (["platform-sre", "platform-engineer"], "08:00", "America/New_York", 1, "rmo"),
    "data": (["platform-engineer", "platform-sre"], "08:00", "America/New_York", 7, "rmo"),
    "sre": (["platform-sre", "platform-engineer"], "08:00", "America/New_York", 7, "rmo"),
}
PLATFORM_PEOPLE = [
    ("platform-sre", "Noor Haddad (Platform SRE)", "sre"),
    ("platform-engineer", "Tomas Ruiz (Platform engineer)", "engineer"),
]
WATCHED = ("exemptions", "cutoff")


async def _platform_people(uow: UnitOfWork, cast: Cast, issuer: str) -> dict[str, uuid.UUID]:
    made = {}
    for username, name, role in PLATFORM_PEOPLE:
        person = await identity.create_person(
            uow,
            org_cmd.CreatePerson(username, name, f"{username}@signalbox.example"),
            issuer=issuer,
        )
        await identity.grant_role(uow, org_cmd.GrantRole(person.id, role, cast.bus["platform"]))
        made[username] = person.id
    return made


async def load_support(runtime: Runtime, cast: Cast, releases: dict[str, uuid.UUID]) -> None:
    run = runtime.units.run
    issuer = runtime.authenticator.issuer
    platform = await run(lambda uow: _platform_people(uow, cast, issuer), actor=cast.actor("rmo"))
    await runtime.grants.reload()
    people = {**{k: v.id for k, v in cast.people.items()}, **platform}
    starts_on = (runtime.clock.now() - timedelta(days=21)).date().isoformat()
    made = {}
    for team, (members, handover, zone, days, by) in ROTATIONS.items():
        command = cmd.CreateRotation(
            team_id=cast.teams[team],
            name=f"{team.replace('-', ' ').title()} on call",
            member_ids=[people[m] for m in members],
            handover_time=handover,
            time_zone=zone,
            shift_length_days=days,
            starts_on=starts_on,
        )
        made[team] = await run(
            lambda uow, c=command: rotations.create_rotation(uow, c), actor=cast.actor(by)
        )
    schedule = schedule_of(made["acquiring"])
    following = (number_at(schedule, runtime.clock.now()) or 0) + 1
    giving = shift(schedule, following, {}).scheduled_id
    covering = next(m for m in schedule.members if m != giving)
    swap = cmd.SwapShift(
        made["acquiring"].id, following, covering, "Conference in Lisbon that week."
    )
    await run(lambda uow: swaps.swap_shift(uow, swap), actor=cast.actor("payments-admin"))
    for key in WATCHED:
        assign = cmd.AssignWatchers(releases[key])
        await run(
            lambda uow, c=assign: watchers.assign_watchers(uow, c),
            actor=cast.actor("release-manager"),
        )
