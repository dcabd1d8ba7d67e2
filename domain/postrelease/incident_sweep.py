"""The housekeeping sweep's post-release step for incidents (issue 17): attribute the incidents
that arrived since the last sweep (opening their post-mortems), then close, as `system`, every
open post-mortem action item whose change now exists."""

from __future__ import annotations

from dataclasses import dataclass

from domain.kernel.uow import UnitOfWork
from domain.postrelease import attribution_service, postmortem_service

ROUND = 25
"""Incidents attributed in one unit of work by the background sweep (`attribute_round`): short
transactions, so writers wait for one round at most, and a failure loses one round."""
ROUNDS = 8
"""Rounds per sweep: at most ROUND * ROUNDS incidents attributed between two sweeps."""


@dataclass(frozen=True, slots=True)
class Swept:
    attributed: int
    verified: int


async def sweep(uow: UnitOfWork) -> Swept:
    attributed = await attribution_service.attribute_new(uow)
    verified = await postmortem_service.verify_open(uow)
    return Swept(len(attributed), len(verified))


async def attribute_round(uow: UnitOfWork) -> int:
    """One round of the background sweep: at most ROUND new incidents attributed."""
    return len(await attribution_service.attribute_new(uow, limit=ROUND))


async def verify_open(uow: UnitOfWork) -> int:
    """Open post-mortem action items whose change now exists, closed as `system`."""
    return len(await postmortem_service.verify_open(uow))
