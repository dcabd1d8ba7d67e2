"""Feature flags: lists, stale flags, changes awaiting approval, and the flag mutations.

Every mutation runs one unit of work; once it commits, this process's evaluation snapshots
are invalidated so OFREP answers with the change at once (other processes within a second).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql import flags_inputs as fi
from api.graphql.context import Info
from api.graphql.flags_types import (
    Flag,
    FlagChange,
    FlagEnvironmentState,
    FlagSegment,
    StaleFlag,
)
from api.graphql.mutations import MutationRunner
from api.graphql.relay import (
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
)
from api.graphql.user_errors import FLAGS, UserError
from domain.flags import changes, flags, segments
from domain.flags import commands as cmd
from domain.flags import queries as flq
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader

run = MutationRunner(FLAGS)
flag_payload = run.into(fi.FlagPayload, flag=Flag)
segment_payload = run.into(fi.FlagSegmentPayload, segment=FlagSegment)


def _state(result: changes.StateResult | None) -> FlagEnvironmentState | None:
    if result is None or result.state is None:
        return None
    return FlagEnvironmentState.from_row(result.state, None)


def _change(result: changes.StateResult | None) -> FlagChange | None:
    return FlagChange.from_row(result.change) if result else None


def _environment_answer(
    result: changes.StateResult | None, errors: list[UserError]
) -> fi.FlagEnvironmentPayload:
    return fi.FlagEnvironmentPayload(
        flag=Flag.from_row(result.flag) if result else None,
        state=_state(result),
        change=_change(result),
        errors=errors,
    )


def _change_answer(
    result: changes.StateResult | None, errors: list[UserError]
) -> fi.FlagChangePayload:
    return fi.FlagChangePayload(change=_change(result), state=_state(result), errors=errors)


flag_environment_payload = run.answering(fi.FlagEnvironmentPayload, _environment_answer)
flag_change_payload = run.answering(fi.FlagChangePayload, _change_answer)


@strawberry.type
class FlagsQuery:
    @connection_field(Flag, description="Flags you may read, by key.")
    def flags(r: Reader, f: fi.FlagFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return flq.flags(
            r,
            service_id=from_optional_global_id(f.service_id, "Service", "serviceId"),
            kind=f.kind.value if f.kind else None,
            include_archived=f.include_archived,
            **page,
        )

    @strawberry.field(description="A flag by its key (the OFREP key); null when not yours.")
    async def flag(self, info: Info, key: str) -> Flag | None:
        async with info.context.reader() as r:
            row = await flq.flag_by_key(r, key)
        return Flag.from_row(row) if row else None

    @connection_field(
        FlagSegment, description="Segments you may use: your BUs' and the organization's."
    )
    def flag_segments(r: Reader, page: PageArgs) -> Awaitable[Page[Any]]:
        return flq.segments(r, **page)

    @connection_field(
        FlagChange, description="Flag changes, oldest first; filter PENDING for approvals."
    )
    def flag_changes(r: Reader, f: fi.FlagChangeFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return flq.changes(
            r,
            flag_id=from_optional_global_id(f.flag_id, "Flag", "flagId"),
            status=f.status.value if f.status else None,
            **page,
        )

    @strawberry.field(
        description="Live flags worth removing: expired, fully rolled out or unused for days."
    )
    async def stale_flags(
        self, info: Info, input: fi.StaleFlagsInput | None = None
    ) -> list[StaleFlag]:
        i = input or fi.StaleFlagsInput()
        async with info.context.reader() as r:
            found = await flq.stale_flags(
                r,
                now=info.context.runtime.clock.now(),
                rolled_out_days=i.fully_rolled_out_days,
                unevaluated_days=i.unused_days,
            )
        return [
            StaleFlag(
                flag=Flag.from_row(s.flag),
                reasons=list(s.reasons),
                last_evaluated_at=s.last_evaluated_at,
            )
            for s in found
        ]


@strawberry.type
class FlagsMutation:
    @flag_payload.mutation(
        flags.create_flag, description="Create a flag for a service; off everywhere until set."
    )
    def flag_create(input: fi.FlagCreateInput) -> cmd.CreateFlag:
        return cmd.CreateFlag(
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            key=input.key,
            name=input.name,
            kind=input.kind.value,
            value_type=input.value_type.value,
            variants=fi.variants(input.variants) or [],
            default_variant=input.default_variant,
            off_variant=input.off_variant,
            description=input.description,
            expires_at=input.expires_at,
        )

    @flag_payload.mutation(
        flags.update_flag, description="Change a flag's name, description, variants or expiry."
    )
    def flag_update(input: fi.FlagUpdateInput) -> cmd.UpdateFlag:
        return cmd.UpdateFlag(
            flag_id=from_global_id(input.id, "Flag"),
            version=input.version,
            name=input.name,
            description=input.description,
            variants=fi.variants(input.variants),
            default_variant=input.default_variant,
            off_variant=input.off_variant,
            expires_at=input.expires_at,
        )

    flag_archive = flag_payload.by_id(
        fi.FlagArchiveInput,
        "Flag",
        flags.archive_flag,
        description="Archive a flag: no longer evaluated (FLAG_NOT_FOUND).",
    )

    @flag_payload.mutation(
        flags.kill_flag,
        description="The kill switch: off in every environment at once, no approval awaited.",
    )
    def flag_kill(input: fi.FlagKillInput) -> cmd.KillFlag:
        return cmd.KillFlag(from_global_id(input.id, "Flag"), input.reason)

    @flag_environment_payload.mutation(
        changes.set_state,
        description="Set a flag's state in an environment; in production, for a critical "
        "service, it waits as a PENDING change for someone else's approval.",
    )
    def flag_environment_update(input: fi.FlagEnvironmentUpdateInput) -> cmd.SetState:
        return cmd.SetState(
            flag_id=from_global_id(input.flag_id, "Flag", "flagId"),
            environment=input.environment,
            state=fi.state(input),
            production=input.production,
            version=input.version,
            reason=input.reason,
        )

    @flag_change_payload.mutation(
        changes.decide_change, description="Approve and apply a pending change; never your own."
    )
    def flag_change_approve(input: fi.FlagChangeDecisionInput) -> cmd.DecideChange:
        return cmd.DecideChange(from_global_id(input.id, "FlagChange"), True, input.note)

    @flag_change_payload.mutation(
        changes.decide_change, description="Reject a pending change; never your own."
    )
    def flag_change_reject(input: fi.FlagChangeDecisionInput) -> cmd.DecideChange:
        return cmd.DecideChange(from_global_id(input.id, "FlagChange"), False, input.note)

    @segment_payload.mutation(
        segments.create_segment, description="Create a segment: a named set of conditions."
    )
    def flag_segment_create(input: fi.FlagSegmentCreateInput) -> cmd.CreateSegment:
        return cmd.CreateSegment(
            key=input.key,
            name=input.name,
            conditions=fi.conditions(input.conditions),
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            description=input.description,
        )

    @segment_payload.mutation(
        segments.update_segment,
        description="Change a segment's conditions (every flag using it too).",
    )
    def flag_segment_update(input: fi.FlagSegmentUpdateInput) -> cmd.UpdateSegment:
        return cmd.UpdateSegment(
            segment_id=from_global_id(input.id, "FlagSegment"),
            version=input.version,
            conditions=fi.conditions(input.conditions),
            name=input.name,
            description=input.description,
        )
