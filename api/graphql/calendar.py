"""Deployment windows, conflicts, freezes, exceptions and quarterly alignment: thin resolvers."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import strawberry

from api.graphql.calendar_inputs import (
    AlignmentPayload,
    AlignmentRecordInput,
    CalendarInput,
    DeploymentWindowFilter,
    FreezeDecisionInput,
    FreezeExceptionDecisionInput,
    FreezeExceptionPayload,
    FreezeExceptionRequestInput,
    FreezeExceptionReviewInput,
    FreezeFilter,
    FreezePayload,
    FreezeProposeInput,
    FreezeRetireInput,
    WindowConflictsInput,
    WindowSuggestionsInput,
)
from api.graphql.calendar_slice_types import CalendarSlice
from api.graphql.calendar_types import (
    Alignment,
    DeploymentWindow,
    Freeze,
    FreezeException,
    SuggestedSlot,
    WindowConflict,
)
from api.graphql.calendar_windows import DeploymentWindowMutation, business_unit_id, global_ids
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import (
    Connection,
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
    paginate,
)
from api.graphql.user_errors import CALENDAR
from domain.calendar import alignment, exceptions, freezes
from domain.calendar import commands as cmd
from domain.calendar import queries as cal
from domain.calendar.rules import RankEntry
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.read import calendar_slice

run = MutationRunner(CALENDAR)
freeze_payload = run.into(FreezePayload, freeze=Freeze)
freeze_exception_payload = run.into(FreezeExceptionPayload, freeze_exception=FreezeException)
alignment_payload = run.into(AlignmentPayload, alignment=Alignment)


def _check(i: WindowConflictsInput) -> cmd.CheckWindow:
    return cmd.CheckWindow(
        bu_id=business_unit_id(i.business_unit_id),
        starts_at=i.starts_at,
        ends_at=i.ends_at,
        release_id=from_optional_global_id(i.release_id, "Release", "releaseId"),
        environment=i.environment,
        service_ids=global_ids(i.service_ids, "Service", "serviceIds"),
        resources=i.resources,
        window_id=from_optional_global_id(i.window_id, "DeploymentWindow", "windowId"),
    )


@strawberry.type
class CalendarQuery:
    @connection_field(
        DeploymentWindow, description="Deployment windows you may read, earliest first."
    )
    def deployment_windows(
        r: Reader, f: DeploymentWindowFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        return cal.windows(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
            service_id=from_optional_global_id(f.service_id, "Service", "serviceId"),
            environment=f.environment,
            release_id=from_optional_global_id(f.release_id, "Release", "releaseId"),
            starting_after=f.ending_after,
            include_cancelled=f.include_cancelled,
            **page,
        )

    @strawberry.field(description="What a window would conflict with, most severe first.")
    async def window_conflicts(
        self, info: Info, input: WindowConflictsInput
    ) -> list[WindowConflict]:
        c = _check(input)
        async with info.context.reader() as r:
            found = await cal.window_conflicts(r, c, now=info.context.runtime.clock.now())
        return [WindowConflict.from_domain(x) for x in found]

    @strawberry.field(
        description="The earliest slots of the duration with no blocking or warning conflict "
        "(same service, dependencies, shared resources), freezes (recurring ones expanded) "
        "respected."
    )
    async def window_suggestions(
        self, info: Info, input: WindowSuggestionsInput
    ) -> list[SuggestedSlot]:
        c = cmd.SuggestSlots(
            bu_id=business_unit_id(input.business_unit_id),
            duration=timedelta(minutes=input.duration_minutes),
            after=input.after,
            before=input.before,
            count=input.count,
            release_id=from_optional_global_id(input.release_id, "Release", "releaseId"),
            environment=input.environment,
            service_ids=global_ids(input.service_ids, "Service", "serviceIds"),
            resources=input.resources,
        )
        async with info.context.reader() as r:
            found = await cal.window_suggestions(r, c)
        return [SuggestedSlot(starts_at=s.starts_at, ends_at=s.ends_at) for s in found]

    @strawberry.field(
        description="Windows, freeze occurrences and conflicts among the windows, for a slice."
    )
    async def calendar(self, info: Info, input: CalendarInput) -> CalendarSlice:
        async with info.context.reader() as r:
            found = await calendar_slice.calendar(
                r,
                starts_at=input.from_,
                ends_at=input.to,
                bu_id=from_optional_global_id(
                    input.business_unit_id, "BusinessUnit", "businessUnitId"
                ),
                team_id=from_optional_global_id(input.team_id, "Team", "teamId"),
                service_id=from_optional_global_id(input.service_id, "Service", "serviceId"),
                environment=input.environment,
            )
        # The windows' services and resources were read to find the clashes: the request's
        # loaders answer the windows' `services` and `resources` from them, not a second read.
        loaders, read = info.context.loaders, found.window_details
        for w in found.windows:
            loaders.window_services.prime(w.id, read.services.get(w.id, []))
            loaders.window_resources.prime(w.id, read.resources.get(w.id, []))
        return CalendarSlice.from_domain(found)

    @connection_field(
        Freeze, description="Freezes you may read (your BUs' and org-wide), by start."
    )
    def freezes(r: Reader, f: FreezeFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return cal.freezes(
            r,
            status=f.status.value if f.status else None,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            **page,
        )

    @strawberry.field(
        description="Approved exceptions whose window ended or which expired, not yet reviewed."
    )
    async def freeze_exceptions_for_review(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[FreezeException]:
        now = info.context.runtime.clock.now()
        return await paginate(
            info, FreezeException, cal.exceptions_for_review, now=now, first=first, after=after
        )

    @strawberry.field(description="Quarterly alignments you may read, oldest first.")
    async def alignments(
        self,
        info: Info,
        quarter: str | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Alignment]:
        return await paginate(
            info, Alignment, cal.alignments, quarter=quarter, first=first, after=after
        )


@strawberry.type
class CalendarMutation(DeploymentWindowMutation):
    @freeze_payload.mutation(
        freezes.propose_freeze,
        description="Propose a freeze; it binds once every stakeholder approved.",
    )
    def freeze_propose(input: FreezeProposeInput) -> cmd.ProposeFreeze:
        return cmd.ProposeFreeze(
            title=input.title,
            scope=input.scope.value,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            stakeholder_ids=global_ids(input.stakeholder_ids, "Person", "stakeholderIds"),
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            reason=input.reason,
            tiers=[t.value for t in input.tiers],
            environments=input.environments,
            service_ids=global_ids(input.service_ids, "Service", "serviceIds"),
            tzid=input.time_zone,
            rrule=input.rrule,
            effective_until=input.effective_until,
        )

    @freeze_payload.mutation(
        freezes.decide_freeze, description="Approve a freeze, as one of its named stakeholders."
    )
    def freeze_approve(input: FreezeDecisionInput) -> cmd.DecideFreeze:
        return cmd.DecideFreeze(from_global_id(input.id, "Freeze"), approve=True, note=input.note)

    @freeze_payload.mutation(
        freezes.decide_freeze, description="Reject a freeze, as one of its named stakeholders."
    )
    def freeze_reject(input: FreezeDecisionInput) -> cmd.DecideFreeze:
        return cmd.DecideFreeze(from_global_id(input.id, "Freeze"), approve=False, note=input.note)

    freeze_retire = freeze_payload.by_id(
        FreezeRetireInput,
        "Freeze",
        freezes.retire_freeze,
        description="Retire a freeze: it stops binding.",
    )

    @freeze_exception_payload.mutation(
        exceptions.request_exception, description="Ask to let one release window through a freeze."
    )
    def freeze_exception_request(input: FreezeExceptionRequestInput) -> cmd.RequestException:
        return cmd.RequestException(
            freeze_id=from_global_id(input.freeze_id, "Freeze", "freezeId"),
            window_id=from_global_id(input.window_id, "DeploymentWindow", "windowId"),
            justification=input.justification,
            expires_at=input.expires_at,
        )

    @freeze_exception_payload.mutation(
        exceptions.decide_exception,
        description="Approve an exception; never your own (SELF_APPROVAL).",
    )
    def freeze_exception_approve(input: FreezeExceptionDecisionInput) -> cmd.DecideException:
        return cmd.DecideException(from_global_id(input.id, "FreezeException"), True, input.note)

    @freeze_exception_payload.mutation(
        exceptions.decide_exception,
        description="Reject an exception; never your own (SELF_APPROVAL).",
    )
    def freeze_exception_reject(input: FreezeExceptionDecisionInput) -> cmd.DecideException:
        return cmd.DecideException(from_global_id(input.id, "FreezeException"), False, input.note)

    @freeze_exception_payload.mutation(
        exceptions.review_exception,
        description="Review an exception after its window ended or it expired.",
    )
    def freeze_exception_review(input: FreezeExceptionReviewInput) -> cmd.ReviewException:
        return cmd.ReviewException(from_global_id(input.id, "FreezeException"), input.note)

    @alignment_payload.mutation(
        alignment.record_alignment,
        description="Record a quarter's agreed ranking of competing releases.",
    )
    def alignment_record(input: AlignmentRecordInput) -> cmd.RecordAlignment:
        return cmd.RecordAlignment(
            quarter=input.quarter,
            ranking=[
                RankEntry(from_global_id(e.release_id, "Release", "ranking"), e.rank, e.rationale)
                for e in input.ranking
            ],
            agreed_by=global_ids(input.agreed_by, "Person", "agreedBy"),
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
        )
