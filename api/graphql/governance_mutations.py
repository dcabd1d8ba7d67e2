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
from api.graphql.mutations import MutationRunner, NodePayload
from api.graphql.relay import from_global_id, from_optional_global_id, to_global_id
from api.graphql.user_errors import GOVERNANCE
from domain.calendar import scheduling
from domain.governance import boards, cloning, go_no_go, releases, signoffs, templates
from domain.governance import commands as cmd
from domain.governance.errors import DocumentationIncomplete, Frozen, SignOffMissing
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.pipelines import release_completion

run = MutationRunner(GOVERNANCE)
document_template_payload = run.into(gi.DocumentTemplatePayload, document_template=DocumentTemplate)
board_payload = run.into(gi.BoardPayload, board=Board)
go_no_go_session_payload = run.into(gi.GoNoGoSessionPayload, go_no_go_session=GoNoGoSession)
sign_off_rule_payload = run.into(gi.SignOffRulePayload, sign_off_rule=SignOffRule)
sign_off_payload = run.into(gi.SignOffPayload, sign_off=SignOff)


class _ReleasePayload(NodePayload[gi.ReleasePayload]):
    """Release mutations: refusals that carry data put it in the payload."""

    async def __call__(
        self, info: Info, use_case: Callable[[UnitOfWork], Awaitable[Any]]
    ) -> gi.ReleasePayload:
        caught: list[DomainError] = []

        async def guarded(uow: UnitOfWork) -> Any:
            try:
                return await use_case(uow)
            except (DocumentationIncomplete, SignOffMissing, Frozen) as exc:
                caught.append(exc)
                raise

        release, errors = await self.run(info, guarded)
        return gi.ReleasePayload(
            release=Release.from_row(release) if release else None,
            errors=errors,
            **_refusal_data(caught[0] if caught else None),
        )


release_payload = _ReleasePayload(run, gi.ReleasePayload, "release", Release)


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
    return release_payload.mutation(use_case, description=description)(_move)


@strawberry.type
class GovernanceMutation:
    @release_payload.mutation(
        releases.create_release, description="Draft a release in a business unit."
    )
    def release_create(input: gi.ReleaseCreateInput) -> cmd.CreateRelease:
        return cmd.CreateRelease(
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

    @release_payload.mutation(releases.update_release, description="Edit a draft release.")
    def release_update(input: gi.ReleaseUpdateInput) -> cmd.UpdateRelease:
        return cmd.UpdateRelease(
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

    @release_payload.mutation(
        cloning.clone_release,
        description="Clone a rejected or cancelled release into a new draft: documentation, "
        "services, authors, environments and change types (so its sign-off requirements) carry "
        "over; votes, sign-offs, approvals and risk assessments do not.",
    )
    def release_clone(input: gi.ReleaseCloneInput) -> cmd.CloneRelease:
        return cmd.CloneRelease(from_global_id(input.id, "Release"), input.title)

    @release_payload.mutation(
        scheduling.schedule_release,
        description="Schedule an approved release into its planned window; refused in a freeze.",
    )
    def release_schedule(input: gi.ReleaseScheduleInput) -> cmd.ScheduleRelease:
        return cmd.ScheduleRelease(
            from_global_id(input.id, "Release"),
            input.version,
            input.planned_start,
            input.planned_end,
        )

    @document_template_payload.mutation(
        templates.create_template, description="Create version 1 of an org (RMO) or BU template."
    )
    def document_template_create(input: gi.DocumentTemplateCreateInput) -> cmd.CreateTemplate:
        return cmd.CreateTemplate(
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            key=input.key,
            name=input.name,
            sections=_sections(input.sections) or [],
            release_types=[x.value for x in input.release_types],
            tiers=[x.value for x in input.tiers],
        )

    @document_template_payload.mutation(
        templates.revise_template,
        description="Revise a template: adds version+1, earlier rows stay.",
    )
    def document_template_update(input: gi.DocumentTemplateUpdateInput) -> cmd.UpdateTemplate:
        return cmd.UpdateTemplate(
            template_id=from_global_id(input.id, "DocumentTemplate"),
            version=input.version,
            name=input.name,
            sections=_sections(input.sections),
            release_types=_values(input.release_types),
            tiers=_values(input.tiers),
            active=input.active,
        )

    @board_payload.mutation(
        boards.create_board, description="Create an approval board with its members and rule."
    )
    def board_create(input: gi.BoardCreateInput) -> cmd.CreateBoard:
        return cmd.CreateBoard(
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            key=input.key,
            name=input.name,
            quorum=input.quorum,
            approvals_needed=input.approvals_needed,
            required_disciplines=[x.value for x in input.required_disciplines],
            veto_disciplines=[x.value for x in input.veto_disciplines],
            members=_members(input.members) or [],
        )

    @board_payload.mutation(
        boards.update_board, description="Change a board's name, rule or members."
    )
    def board_update(input: gi.BoardUpdateInput) -> cmd.UpdateBoard:
        return cmd.UpdateBoard(
            board_id=from_global_id(input.id, "Board"),
            version=input.version,
            name=input.name,
            quorum=input.quorum,
            approvals_needed=input.approvals_needed,
            required_disciplines=_values(input.required_disciplines),
            veto_disciplines=_values(input.veto_disciplines),
            members=_members(input.members),
        )

    @go_no_go_session_payload.mutation(
        go_no_go.open_session,
        description="Open a go/no-go session of a board for a submitted release.",
    )
    def go_no_go_open(input: gi.GoNoGoOpenInput) -> cmd.OpenSession:
        return cmd.OpenSession(
            from_global_id(input.release_id, "Release", "releaseId"),
            from_global_id(input.board_id, "Board", "boardId"),
        )

    @go_no_go_session_payload.mutation(
        go_no_go.cast_vote, description="Vote (or change your vote) as a member of the board."
    )
    def go_no_go_vote(input: gi.GoNoGoVoteInput) -> cmd.CastVote:
        return cmd.CastVote(
            from_global_id(input.session_id, "GoNoGoSession", "sessionId"),
            input.choice.value,
            input.rationale,
        )

    @go_no_go_session_payload.mutation(
        go_no_go.close_session,
        description="Close a session: the rule decides and drives the release.",
    )
    def go_no_go_close(input: gi.GoNoGoCloseInput) -> cmd.CloseSession:
        return cmd.CloseSession(from_global_id(input.id, "GoNoGoSession"), input.version)

    @sign_off_rule_payload.mutation(
        signoffs.create_rule, description="Add a rule that derives a required sign-off (RMO)."
    )
    def sign_off_rule_create(input: gi.SignOffRuleCreateInput) -> cmd.CreateSignOffRule:
        return cmd.CreateSignOffRule(
            key=input.key,
            name=input.name,
            requirement=input.requirement,
            discipline=input.discipline.value,
            validity_days=input.validity_days,
            condition=_condition(input.condition) or {},
            active=input.active,
        )

    @sign_off_rule_payload.mutation(
        signoffs.update_rule, description="Change a sign-off rule (RMO)."
    )
    def sign_off_rule_update(input: gi.SignOffRuleUpdateInput) -> cmd.UpdateSignOffRule:
        return cmd.UpdateSignOffRule(
            rule_id=from_global_id(input.id, "SignOffRule"),
            version=input.version,
            name=input.name,
            requirement=input.requirement,
            discipline=input.discipline.value if input.discipline else None,
            validity_days=input.validity_days,
            condition=_condition(input.condition),
            active=input.active,
        )

    @sign_off_payload.mutation(
        signoffs.give_sign_off,
        description="Sign off a requirement of a release, for your discipline.",
    )
    def sign_off_give(input: gi.SignOffGiveInput) -> cmd.GiveSignOff:
        return cmd.GiveSignOff(
            from_global_id(input.release_id, "Release", "releaseId"), input.requirement, input.note
        )

    @sign_off_payload.mutation(
        signoffs.revoke_sign_off, description="Revoke a sign-off; the release needs a new one."
    )
    def sign_off_revoke(input: gi.SignOffRevokeInput) -> uuid.UUID:
        return from_global_id(input.id, "SignOff")
