"""Scheduling a release into its window: the release's lifecycle move, judged against freezes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from domain.calendar import freezes
from domain.governance import commands as release_commands
from domain.governance import releases
from domain.kernel.uow import UnitOfWork

if TYPE_CHECKING:
    from domain.governance.models import Release


async def schedule_release(uow: UnitOfWork, c: release_commands.ScheduleRelease) -> Release:
    """Schedule an approved release into its planned window; refused inside a freeze."""
    return await releases.schedule_release(uow, c, _blocking_freezes)


async def _blocking_freezes(uow: UnitOfWork, window: releases.PlannedWindow) -> Sequence[Any]:
    return await freezes.blocking_freezes(
        uow.session,
        bu_id=window.bu_id,
        service_ids=list(window.service_ids),
        environments=list(window.environments),
        tiers=list(window.tiers),
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        release_id=window.release_id,
        now=uow.clock.now(),
    )
