"""The demo calendar: two approved recurring freezes and a few payments windows in December
2026, proposed and decided by the demo's people (after `demo.organization.load_demo`), and a
card gateway hotfix planned inside the next quarter-end close, its freeze exception waiting for
someone other than the release manager who asked (the emergency path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from domain.calendar import commands as cal_cmd
from domain.calendar import emergency, recurrence
from domain.calendar import freezes as cal_freezes
from domain.calendar import windows as cal_windows
from domain.governance import commands as gov_cmd
from domain.governance import releases
from domain.kernel.access import Actor, Scope
from domain.kernel.uow import UnitOfWork
from domain.organization import repository as repo
from domain.organization.models import Person

if TYPE_CHECKING:
    from api.runtime import Runtime

WINDOWS = (
    ("Card gateway 4.2", "maintenance", ["card-gateway"], [], (2026, 12, 8, 21), 2),
    ("Ledger index rebuild", "maintenance", ["ledger-core"], ["pg-ledger"], (2026, 12, 9, 22), 3),
    ("Settlement batch tuning", "maintenance", ["settlement"], ["pg-ledger"], (2026, 12, 9, 23), 2),
    ("Acme network certificate rotation", "vendor", ["card-gateway"], [], (2026, 12, 15, 6), 1),
)


@dataclass(frozen=True, slots=True)
class _Known:
    rmo: Person
    retail_admin: Person
    release_manager: Person
    payments: UUID
    retail: UUID
    services: dict[str, UUID]


class Named(Protocol):
    """A demo person as a row or an ORM object."""

    id: UUID
    username: str
    display_name: str


def as_actor(person: Named) -> Actor:
    return Actor(
        person_id=person.id,
        username=person.username,
        display_name=person.display_name,
        subjects=(f"person:{person.id}",),
    )


def _utc(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


async def load_calendar_demo(runtime: Runtime) -> bool:
    """Load the demo calendar once, after load_demo. False when already there (or no
    organization yet)."""
    known = await _known(runtime)
    if known is None:
        return False
    planned = await runtime.units.run(lambda uow: _plan(uow, known), actor=as_actor(known.rmo))
    if planned is None:
        return False
    quarter_end, holiday = planned
    decide = cal_cmd.DecideFreeze(holiday, approve=True)
    await runtime.units.run(
        lambda uow: cal_freezes.decide_freeze(uow, decide), actor=as_actor(known.retail_admin)
    )
    await runtime.units.run(
        lambda uow: _hotfix_in_freeze(uow, known, quarter_end),
        actor=as_actor(known.release_manager),
    )
    return True


async def _known(runtime: Runtime) -> _Known | None:
    async with runtime.db.read_session() as session:
        rmo = await repo.person_by_username(session, "rmo")
        retail_admin = await repo.person_by_username(session, "retail-admin")
        release_manager = await repo.person_by_username(session, "release-manager")
        payments = await repo.bu_id_by_key(session, "payments")
        retail = await repo.bu_id_by_key(session, "retail")
        page = await repo.services_page(
            session,
            Scope(everywhere=True),
            bu_id=None,
            team_id=None,
            tier=None,
            first=500,
            after=None,
        )
    if rmo is None or retail_admin is None or release_manager is None:
        return None
    if payments is None or retail is None:
        return None
    services = {row.key: row.id for row in page.items}
    return _Known(rmo, retail_admin, release_manager, payments, retail, services)


async def _plan(uow: UnitOfWork, k: _Known) -> tuple[UUID, UUID] | None:
    """The freezes (approved by the RMO) and windows; the quarter-end and holiday freezes' ids,
    or None when the calendar is there already."""
    existing = await cal_freezes.freezes_in_range(
        uow.session, ["approved", "proposed"], _utc(2026, 1, 1), _utc(2028, 1, 1)
    )
    if any(f.row.title == "Quarter-end close" for f in existing):
        return None
    quarter_end = await cal_freezes.propose_freeze(
        uow,
        cal_cmd.ProposeFreeze(
            title="Quarter-end close",
            reason="Finance closes the books: no change to payments systems.",
            scope="bu",
            bu_id=k.payments,
            starts_at=_utc(2026, 12, 28, 23),  # 29 December, 00:00 in Amsterdam
            ends_at=_utc(2026, 12, 29, 23),
            tzid="Europe/Amsterdam",
            rrule="FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1",
            effective_until=_utc(2027, 12, 31),
            stakeholder_ids=[k.rmo.id],
        ),
    )
    holiday = await cal_freezes.propose_freeze(
        uow,
        cal_cmd.ProposeFreeze(
            title="Holiday peak season",
            reason="Peak card and app traffic: customer-facing retail services stay put.",
            scope="tier",
            bu_id=k.retail,
            tiers=["customer_facing", "critical"],
            starts_at=_utc(2026, 11, 22, 23),  # 23 November, 00:00 in Amsterdam
            ends_at=_utc(2027, 1, 3, 23),
            tzid="Europe/Amsterdam",
            rrule="FREQ=YEARLY",
            effective_until=_utc(2028, 1, 31),
            stakeholder_ids=[k.rmo.id, k.retail_admin.id],
        ),
    )
    await cal_freezes.decide_freeze(uow, cal_cmd.DecideFreeze(quarter_end.id, approve=True))
    await cal_freezes.decide_freeze(uow, cal_cmd.DecideFreeze(holiday.id, approve=True))
    for title, kind, keys, resources, (y, m, d, h), hours in WINDOWS:
        start = _utc(y, m, d, h)
        await cal_windows.plan_window(
            uow,
            cal_cmd.PlanWindow(
                bu_id=k.payments,
                kind=kind,
                title=title,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                environment="production",
                service_ids=[k.services[s] for s in keys if s in k.services],
                resources=resources,
            ),
        )
    return quarter_end.id, holiday.id


async def _hotfix_in_freeze(uow: UnitOfWork, k: _Known, quarter_end: UUID) -> None:
    """A card gateway hotfix inside the next quarter-end close, in one step with its exception."""
    now = uow.clock.now()
    freeze = await cal_freezes.visible_freeze(uow, quarter_end)
    timing = cal_freezes.timing_of(freeze)
    coming = [
        o
        for o in recurrence.occurrences(timing, now, now + timedelta(days=400))
        if o.starts_at > now
    ]
    if not coming or "card-gateway" not in k.services:
        return
    start = coming[0].starts_at + timedelta(hours=9)  # 10:00 in Amsterdam
    end = start + timedelta(hours=2)
    title = "Card gateway decline-code hotfix"
    gateway = k.services["card-gateway"]
    release = await releases.create_release(
        uow,
        gov_cmd.CreateRelease(
            bu_id=k.payments,
            title=title,
            release_type="hotfix",
            description="Issuers return a new soft-decline code the gateway treats as fatal.",
            owner_id=k.release_manager.id,
            change_types=["config"],
            environments=["production"],
            services=[gov_cmd.ServiceLine(gateway, "4.2.1")],
            planned_start=start,
            planned_end=end,
        ),
    )
    await emergency.plan_hotfix_in_freeze(
        uow,
        cal_cmd.PlanInFreeze(
            window=cal_cmd.PlanWindow(
                bu_id=k.payments,
                kind="release",
                title=title,
                starts_at=start,
                ends_at=end,
                release_id=release.id,
                environment="production",
                service_ids=[gateway],
            ),
            freeze_id=quarter_end,
            justification="Card payments with the new decline code fail until the gateway maps "
            "it; the quarter-end close cannot wait for them.",
        ),
    )
