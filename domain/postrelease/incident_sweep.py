"""The housekeeping sweep's post-release step for incidents (issue 17): attribute the incidents
that arrived since the last sweep (opening their post-mortems), then close, as `system`, every
open post-mortem action item whose change now exists."""

from __future__ import annotations

from dataclasses import dataclass

from domain.kernel.uow import UnitOfWork
from domain.postrelease import attribution_service, postmortem_service


@dataclass(frozen=True, slots=True)
class Swept:
    attributed: int
    verified: int


async def sweep(uow: UnitOfWork) -> Swept:
    attributed = await attribution_service.attribute_new(uow)
    verified = await postmortem_service.verify_open(uow)
    return Swept(len(attributed), len(verified))
