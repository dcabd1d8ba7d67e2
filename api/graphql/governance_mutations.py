"""Governance mutations: thin resolvers over the use cases, one input each, errors in payloads."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.graphql import governance_inputs as gi
from api.graphql.context import Info
from api.graphql.governance_board_types import Board, GoNoGoSession
from api.graphql.governance_rule_types import DocumentTemplate, SignOff, SignOffRule
from api.graphql.governance_types import MissingDocumentation, Release, RequiredSignOff
from api.graphql.mutations import MutationRunner
from api.graphql.relay import from_global_id, from_optional_global_id, to_global_id
from api.graphql.user_errors import GOVERNANCE
from domain.calendar import scheduling
from domain.governance import boards, go_no_go, releases, signoffs, templates
from domain.governance import commands as cmd
from domain.governance.errors import DocumentationIncomplete, Frozen, SignOffMissing
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.pipelines import release_completion

run = MutationRunner(GOVERNANCE)


async def _release_payload(
    info: Info, use_case: Callable[[UnitOfWork], Awaitable[Any]]
) -> gi.ReleasePayload:
    """Run a release use case; refusals that carry data put it in the payload."""
    caught: list[DomainError] = []

    async def guarded(uow: UnitOfWork) -> Any:
        try:
            return await use_case(uow)
        except (DocumentationIncomplete, SignOffMissing, Frozen) as exc:
            caught.append(exc)
            raise

    release, errors = await run(info, guarded)
    return gi.ReleasePayload(
        release=Release.from_row(release) if release else None,
        errors=errors,
        **_refusal_data(caught[0] if caught else None),
    )


def _refusal_data(exc: DomainError | None) -> dict[str, Any]:
    """What a refusal carrying data adds to the release payload (empty lists otherwise)."""
    return {
        "missing_documentation": [MissingDocumentation.from_requirement(m) for m in exc.missing]
        if isinstance(exc, DocumentationIncomplete)
        else [],
        "missing_sign_offs": [RequiredSignOff.from_state(s) for s in exc.outstanding]
        if isinstance(exc, SignOffMissing)
        else [],
        "blocking_freezes": [
            gi.BlockingFreeze(
                freeze_id=strawberry.ID(to_global_id("Freeze", h.freeze_id)),
                title=h.title,
                occurrence_start=h.occurrence_start,
                occurrence_end=h.occurrence_end,
            )
            for h in exc.hits
        ]
        if isinstance(exc, Frozen)
        else [],
    }


def _lines(items: list[gi.ReleaseServiceInput] | None) -> list[cmd.ServiceLine] | None:
    if items is None:
        return None
    return [
        cmd.ServiceLine(
            from_global_id(s.service_id, "Service", "services.serviceId"), s.artifact_version
        )
        for s in items
    ]


def _docs(items: list[gi.DocumentationEntryInput] | None) -> list[cmd.DocEntry] | None:
    return None if items is None else [cmd.DocEntry(d.section, d.field, d.value) for d in items]


def _people(items: list[strawberry.ID] | None, field: str) -> list[uuid.UUID] | None:
    return None if items is None else [from_global_id(p, "Person", field) for p in items]


def _move(input: gi.ReleaseMoveInput) -> cmd.MoveRelease:
    return cmd.MoveRelease(from_global_id(input.id, "Release"), input.version, input.reason)


def _sections(items: list[gi.TemplateSectionInput] | None) -> list[dict[str, Any]] | None:
    if items is None:
        return None
    return [
        {
            "key": s.key,
            "title": s.title,
            "fields": [{"key": f.key, "label": f.label, "required": f.required} for f in s.fields],
        }
        for s in items
    ]


def _members(items: list[gi.BoardMemberInput] | None) -> list[cmd.Member] | None:
    if items is None:
        return None
    return [
        cmd.Member(from_global_id(m.person_id, "Person", "members.personId"), m.discipline.value)
        for m in items
    ]


def _condition(c: gi.SignOffConditionInput | None) -> dict[str, list[str]] | None:
    if c is None:
        return None
    return {
        "data_classifications": [x.value for x in c.data_classifications],
        "region_prefixes": list(c.region_prefixes),
        "tiers": [x.value for x in c.tiers],
        "change_types": [x.value for x in c.change_types],
    }


def _values(items: list[Any] | None) -> list[str] | None:
    return None if items is None else [x.value for x in items]


def _release_mutation(
    description: str, use_case: Callable[[UnitOfWork, cmd.MoveRelease], Awaitable[Any]]
) -> Any:
    async def resolve(info: Info, input: gi.ReleaseMoveInput) -> gi.ReleasePayload:
        c = _move(input)
        return await _release_payload(info, lambda uow: use_case(uow, c))

    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(description="Draft a release in a business unit.")
    async def release_create(self, info: Info, input: gi.ReleaseCreateInput) -> gi.ReleasePayload:
        c = cmd.CreateRelease(
            bu_id=from_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            title=input.title,
            release_type=input.release_type.value,
            description=input.description,
            owner_id=from_optional_global_id(input.owner_id, "Person", "ownerId"),
            change_types=[x.value for x in input.change_types],
            environments=input.environments,
            regions=input.regions,
            services=_lines(input.services) or [],
            author_ids=_people(input.author_ids, "authorIds") or [],
            planned_start=input.planned_start,
            planned_end=input.planned_end,
            documentation=_docs(input.documentation) or [],
        )
        return await _release_payload(info, lambda uow: releases.create_release(uow, c))

    @strawberry.mutation(description="Edit a draft release.")
    async def release_update(self, info: Info, input: gi.ReleaseUpdateInput) -> gi.ReleasePayload:
        c = cmd.UpdateRelease(
            release_id=from_global_id(input.id, "Release"),
            version=input.version,
            title=input.title,
            description=input.description,
            release_type=input.release_type.value if input.release_type else None,
            owner_id=from_optional_global_id(input.owner_id, "Person", "ownerId"),
            change_types=_values(input.change_types),
            environments=input.environments,
            regions=input.regions,
            services=_lines(input.services),
            author_ids=_people(input.author_ids, "authorIds"),
            planned_start=input.planned_start,
            planned_end=input.planned_end,
            documentation=_docs(input.documentation),
        )
        return await _release_payload(info, lambda uow: releases.update_release(uow, c))

    release_submit = _release_mutation(
        "Submit a draft; refused with the missing items while documentation is incomplete.",
        releases.submit_release,
    )
    release_approve = _release_mutation(
        "Approve a submitted release; refused while a required sign-off is missing or expired.",
        releases.approve_release,
    )
    release_reject = _release_mutation("Reject a submitted release.", releases.reject_release)
    release_start = _release_mutation(
        "Report that a scheduled release is deploying.", releases.start_release
    )
    release_complete = _release_mutation(
        "Report that a deploying release is deployed: refused while an unauthorized production "
        "change of it awaits review, or while a service of a release naming production has no "
        "production deployment linked to an allowed promotion of it.",
        release_completion.complete_release,
    )
    release_roll_back = _release_mutation(
        "Report that a deploying release was rolled back.", releases.roll_back_release
    )
    release_cancel = _release_mutation(
        "Cancel a release that is not in a final state.", releases.cancel_release
    )

    @strawberry.mutation(
        description="Schedule an approved release into its planned window; refused in a freeze."
    )
    async def release_schedule(
        self, info: Info, input: gi.ReleaseScheduleInput
    ) -> gi.ReleasePayload:
        c = cmd.ScheduleRelease(
            from_global_id(input.id, "Release"),
            input.version,
            input.planned_start,
            input.planned_end,
        )
        return await _release_payload(info, lambda uow: scheduling.schedule_release(uow, c))

    @strawberry.mutation(description="Create version 1 of an org (RMO) or BU template.")
    async def document_template_create(
        self, info: Info, input: gi.DocumentTemplateCreateInput
    ) -> gi.DocumentTemplatePayload:
        c = cmd.CreateTemplate(
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            key=input.key,
            name=input.name,
            sections=_sections(input.sections) or [],
            release_types=[x.value for x in input.release_types],
            tiers=[x.value for x in input.tiers],
        )
        return await run.payload(
            info,
            lambda uow: templates.create_template(uow, c),
            gi.DocumentTemplatePayload,
            document_template=DocumentTemplate,
        )

    @strawberry.mutation(description="Revise a template: adds version+1, earlier rows stay.")
    async def document_template_update(
        self, info: Info, input: gi.DocumentTemplateUpdateInput
    ) -> gi.DocumentTemplatePayload:
        c = cmd.UpdateTemplate(
            template_id=from_global_id(input.id, "DocumentTemplate"),
            version=input.version,
            name=input.name,
            sections=_sections(input.sections),
            release_types=_values(input.release_types),
            tiers=_values(input.tiers),
            active=input.active,
        )
        return await run.payload(
            info,
            lambda uow: templates.revise_template(uow, c),
            gi.DocumentTemplatePayload,
            document_template=DocumentTemplate,
        )

    @strawberry.mutation(description="Create an approval board with its members and rule.")
    async def board_create(self, info: Info, input: gi.BoardCreateInput) -> gi.BoardPayload:
        c = cmd.CreateBoard(
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            key=input.key,
            name=input.name,
            quorum=input.quorum,
            approvals_needed=input.approvals_needed,
            required_disciplines=[x.value for x in input.required_disciplines],
            veto_disciplines=[x.value for x in input.veto_disciplines],
            members=_members(input.members) or [],
        )
        return await run.payload(
            info, lambda uow: boards.create_board(uow, c), gi.BoardPayload, board=Board
        )

    @strawberry.mutation(description="Change a board's name, rule or members.")
    async def board_update(self, info: Info, input: gi.BoardUpdateInput) -> gi.BoardPayload:
        c = cmd.UpdateBoard(
            board_id=from_global_id(input.id, "Board"),
            version=input.version,
            name=input.name,
            quorum=input.quorum,
            approvals_needed=input.approvals_needed,
            required_disciplines=_values(input.required_disciplines),
            veto_disciplines=_values(input.veto_disciplines),
            members=_members(input.members),
        )
        return await run.payload(
            info, lambda uow: boards.update_board(uow, c), gi.BoardPayload, board=Board
        )

    @strawberry.mutation(description="Open a go/no-go session of a board for a submitted release.")
    async def go_no_go_open(self, info: Info, input: gi.GoNoGoOpenInput) -> gi.GoNoGoSessionPayload:
        c = cmd.OpenSession(
            from_global_id(input.release_id, "Release", "releaseId"),
            from_global_id(input.board_id, "Board", "boardId"),
        )
        return await run.payload(
            info,
            lambda uow: go_no_go.open_session(uow, c),
            gi.GoNoGoSessionPayload,
            go_no_go_session=GoNoGoSession,
        )

    @strawberry.mutation(description="Vote (or change your vote) as a member of the board.")
    async def go_no_go_vote(self, info: Info, input: gi.GoNoGoVoteInput) -> gi.GoNoGoSessionPayload:
        c = cmd.CastVote(
            from_global_id(input.session_id, "GoNoGoSession", "sessionId"),
            input.choice.value,
            input.rationale,
        )
        return await run.payload(
            info,
            lambda uow: go_no_go.cast_vote(uow, c),
            gi.GoNoGoSessionPayload,
            go_no_go_session=GoNoGoSession,
        )

    @strawberry.mutation(description="Close a session: the rule decides and drives the release.")
    async def go_no_go_close(
        self, info: Info, input: gi.GoNoGoCloseInput
    ) -> gi.GoNoGoSessionPayload:
        c = cmd.CloseSession(from_global_id(input.id, "GoNoGoSession"), input.version)
        return await run.payload(
            info,
            lambda uow: go_no_go.close_session(uow, c),
            gi.GoNoGoSessionPayload,
            go_no_go_session=GoNoGoSession,
        )

    @strawberry.mutation(description="Add a rule that derives a required sign-off (RMO).")
    async def sign_off_rule_create(
        self, info: Info, input: gi.SignOffRuleCreateInput
    ) -> gi.SignOffRulePayload:
        c = cmd.CreateSignOffRule(
            key=input.key,
            name=input.name,
            requirement=input.requirement,
            discipline=input.discipline.value,
            validity_days=input.validity_days,
            condition=_condition(input.condition) or {},
            active=input.active,
        )
        return await run.payload(
            info,
            lambda uow: signoffs.create_rule(uow, c),
            gi.SignOffRulePayload,
            sign_off_rule=SignOffRule,
        )

    @strawberry.mutation(description="Change a sign-off rule (RMO).")
    async def sign_off_rule_update(
        self, info: Info, input: gi.SignOffRuleUpdateInput
    ) -> gi.SignOffRulePayload:
        c = cmd.UpdateSignOffRule(
            rule_id=from_global_id(input.id, "SignOffRule"),
            version=input.version,
            name=input.name,
            requirement=input.requirement,
            discipline=input.discipline.value if input.discipline else None,
            validity_days=input.validity_days,
            condition=_condition(input.condition),
            active=input.active,
        )
        return await run.payload(
            info,
            lambda uow: signoffs.update_rule(uow, c),
            gi.SignOffRulePayload,
            sign_off_rule=SignOffRule,
        )

    @strawberry.mutation(description="Sign off a requirement of a release, for your discipline.")
    async def sign_off_give(self, info: Info, input: gi.SignOffGiveInput) -> gi.SignOffPayload:
        c = cmd.GiveSignOff(
            from_global_id(input.release_id, "Release", "releaseId"), input.requirement, input.note
        )
        return await run.payload(
            info, lambda uow: signoffs.give_sign_off(uow, c), gi.SignOffPayload, sign_off=SignOff
        )

    @strawberry.mutation(description="Revoke a sign-off; the release needs a new one.")
    async def sign_off_revoke(self, info: Info, input: gi.SignOffRevokeInput) -> gi.SignOffPayload:
        sign_off_id = from_global_id(input.id, "SignOff")
        return await run.payload(
            info,
            lambda uow: signoffs.revoke_sign_off(uow, sign_off_id),
            gi.SignOffPayload,
            sign_off=SignOff,
        )
