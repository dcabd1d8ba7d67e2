"""The emergency path during a freeze: a hotfix's window planned inside the freeze together with
the exception it needs, in one unit of work (both or neither).

The exception is the ordinary one (`domain.calendar.exceptions`): approved by someone else than
its requester, expiring by itself, listed for review afterwards, and refused when the guardrails
allow no freeze exception. Until it is approved the freeze still binds the window, so the release
cannot be scheduled or promoted into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.calendar import exceptions, windows
from domain.calendar.commands import PlanInFreeze, RequestException
from domain.calendar.errors import CalendarErrorCode as Code
from domain.calendar.models import DeploymentWindow, FreezeException
from domain.calendar.rules import Conflict
from domain.governance import facts as release_facts
from domain.governance.vocabulary import ReleaseType
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PlannedInFreeze:
    window: DeploymentWindow
    exception: FreezeException
    conflicts: list[Conflict]
    """Every conflict of the window, the freeze's among them until the exception is approved."""


async def plan_hotfix_in_freeze(uow: UnitOfWork, c: PlanInFreeze) -> PlannedInFreeze:
    """Plan a hotfix release's window inside a freeze and request its exception: both or
    neither."""
    if c.window.release_id is None:
        raise DomainError(
            "A window inside a freeze is planned for a hotfix release: name it.",
            code=Code.NOT_A_HOTFIX,
            field="releaseId",
        )
    release = await release_facts.release(
        uow.session, c.window.release_id, readable_in=uow.scope(Action.READ, Resource.RELEASE)
    )
    # Both permissions up front, so a caller who may do only half of it changes nothing.
    uow.authorize(Action.CREATE, Resource.DEPLOYMENT_WINDOW, release.bu_id)
    uow.authorize(Action.CREATE, Resource.FREEZE_EXCEPTION, release.bu_id)
    if release.release_type != ReleaseType.HOTFIX:
        raise DomainError(
            f"'{release.title}' is a {release.release_type} release: only a hotfix is planned"
            " inside a freeze; pick a time outside it (see windowSuggestions).",
            code=Code.NOT_A_HOTFIX,
            field="releaseId",
        )
    planned = await windows.plan_window(uow, c.window, through_freeze=c.freeze_id)
    exception = await exceptions.request_exception(
        uow, RequestException(c.freeze_id, planned.window.id, c.justification, c.expires_at)
    )
    return PlannedInFreeze(planned.window, exception, planned.conflicts)
