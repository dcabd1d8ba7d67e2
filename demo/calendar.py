"""The demo calendar: two approved recurring freezes and a few payments windows in December
2026, proposed and decided by the demo's people (after `demo.organization.load_demo`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from domain.calendar import commands as cal_cmd
from domain.calendar import freezes as cal_freezes
from domain.calendar import windows as cal_windows
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
    payments: UUID
    retail: UUID
    services: dict[str, UUID]


def _as_actor(person: Person) -> Actor:
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
    holiday = await runtime.units.run(lambda uow: _plan(uow, known), actor=_as_actor(known.rmo))
    if holiday is None:
        return False
    decide = cal_cmd.DecideFreeze(holiday, approve=True)
    await runtime.units.run(
        lambda uow: cal_freezes.decide_freeze(uow, decide), actor=_as_actor(known.retail_admin)
    )
    return True


async def _known(runtime: Runtime) -> _Known | None:
    async with runtime.db.read_session() as session:
        rmo = await repo.person_by_username(session, "rmo")
        retail_admin = await repo.person_by_username(session, "retail-admin")
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
    if rmo is None or retail_admin is None or payments is None or retail is None:
        return None
    return _Known(rmo, retail_admin, payments, retail, {row.key: row.id for row in page.items})


async def _plan(uow: UnitOfWork, k: _Known) -> UUID | None:
    """The freezes (approved by the RMO) and windows; the holiday freeze's id, or None when
    the calendar is there already."""
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
    return holiday.id
