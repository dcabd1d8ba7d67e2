"""Deployment window mutations: plan, move, cancel, and plan a hotfix's window inside a freeze
together with its exception (the emergency path)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import strawberry

from api.graphql.calendar_inputs import (
    DeploymentWindowCancelInput,
    DeploymentWindowMoveInput,
    DeploymentWindowPayload,
    DeploymentWindowPlanInFreezeInput,
    DeploymentWindowPlanInFreezePayload,
    DeploymentWindowPlanInput,
)
from api.graphql.calendar_types import DeploymentWindow, FreezeException, WindowConflict
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import from_global_id, from_optional_global_id
from api.graphql.user_errors import CALENDAR, UserError
from domain.calendar import commands as cmd
from domain.calendar import emergency, windows
from domain.calendar.rules import Conflict, ConflictsFound
from domain.calendar.vocabulary import WindowKind
from domain.kernel.uow import UnitOfWork

run = MutationRunner(CALENDAR)


class _Planned(Protocol):
    @property
    def conflicts(self) -> list[Conflict]: ...


P = TypeVar("P", bound=_Planned)


def global_ids(values: list[strawberry.ID], type_name: str, field: str) -> list[uuid.UUID]:
    return [from_global_id(v, type_name, field) for v in values]


def business_unit_id(value: strawberry.ID, field: str = "businessUnitId") -> uuid.UUID:
    return from_global_id(value, "BusinessUnit", field)


def _plan(
    i: DeploymentWindowPlanInput | DeploymentWindowPlanInFreezeInput,
    kind: str,
    release_id: uuid.UUID | None,
) -> cmd.PlanWindow:
    return cmd.PlanWindow(
        bu_id=business_unit_id(i.business_unit_id),
        kind=kind,
        title=i.title,
        starts_at=i.starts_at,
        ends_at=i.ends_at,
        release_id=release_id,
        environment=i.environment,
        service_ids=global_ids(i.service_ids, "Service", "serviceIds"),
        resources=i.resources,
    )


async def _planning(
    info: Info, use_case: Callable[[UnitOfWork], Awaitable[P]]
) -> tuple[P | None, list[WindowConflict], list[UserError]]:
    """Run a planning use case; a CONFLICTS refusal still lists the conflicts it found."""
    refused: list[WindowConflict] = []

    async def attempt(uow: UnitOfWork) -> P:
        try:
            return await use_case(uow)
        except ConflictsFound as exc:
            refused.extend(WindowConflict.from_domain(c) for c in exc.conflicts)
            raise

    result, errors = await run(info, attempt)
    found = [WindowConflict.from_domain(c) for c in result.conflicts] if result else refused
    return result, found, errors


async def _window_payload(
    info: Info, use_case: Callable[[UnitOfWork], Awaitable[windows.WindowResult]]
) -> DeploymentWindowPayload:
    result, conflicts, errors = await _planning(info, use_case)
    return DeploymentWindowPayload(
        deployment_window=DeploymentWindow.from_row(result.window) if result else None,
        conflicts=conflicts,
        errors=errors,
    )


@strawberry.type
class DeploymentWindowMutation:
    @strawberry.mutation(
        description="Plan a window; refused with CONFLICTS (listed) on a blocking conflict."
    )
    async def deployment_window_plan(
        self, info: Info, input: DeploymentWindowPlanInput
    ) -> DeploymentWindowPayload:
        release_id = from_optional_global_id(input.release_id, "Release", "releaseId")
        c = _plan(input, input.kind.value, release_id)
        return await _window_payload(info, lambda uow: windows.plan_window(uow, c))

    @strawberry.mutation(description="Move a window; conflicts are checked again.")
    async def deployment_window_move(
        self, info: Info, input: DeploymentWindowMoveInput
    ) -> DeploymentWindowPayload:
        c = cmd.MoveWindow(
            window_id=from_global_id(input.id, "DeploymentWindow"),
            version=input.version,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
        )
        return await _window_payload(info, lambda uow: windows.move_window(uow, c))

    @strawberry.mutation(description="Cancel a window; it no longer conflicts with anything.")
    async def deployment_window_cancel(
        self, info: Info, input: DeploymentWindowCancelInput
    ) -> DeploymentWindowPayload:
        window_id = from_global_id(input.id, "DeploymentWindow")
        window, errors = await run(
            info, lambda uow: windows.cancel_window(uow, window_id, input.version)
        )
        return DeploymentWindowPayload(
            deployment_window=DeploymentWindow.from_row(window) if window else None,
            conflicts=[],
            errors=errors,
        )

    @strawberry.mutation(
        description="The emergency path: plan a hotfix release's window inside a freeze and "
        "request its freeze exception in one step (both or neither; NOT_A_HOTFIX for any other "
        "release). The freeze binds the window until someone else approves the exception."
    )
    async def deployment_window_plan_in_freeze(
        self, info: Info, input: DeploymentWindowPlanInFreezeInput
    ) -> DeploymentWindowPlanInFreezePayload:
        c = cmd.PlanInFreeze(
            window=_plan(
                input,
                str(WindowKind.RELEASE),
                from_global_id(input.release_id, "Release", "releaseId"),
            ),
            freeze_id=from_global_id(input.freeze_id, "Freeze", "freezeId"),
            justification=input.justification,
            expires_at=input.expires_at,
        )
        result, conflicts, errors = await _planning(
            info, lambda uow: emergency.plan_hotfix_in_freeze(uow, c)
        )
        return DeploymentWindowPlanInFreezePayload(
            deployment_window=DeploymentWindow.from_row(result.window) if result else None,
            freeze_exception=FreezeException.from_row(result.exception) if result else None,
            conflicts=conflicts,
            errors=errors,
        )
