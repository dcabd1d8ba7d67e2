"""Blameless post-mortems (issue 17): a post-mortem by incident or id, a BU's post-mortems
(overdue ones filtered), and the mutations that keep one, verify its action items and complete
it."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql import postrelease_postmortems_inputs as pi
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.postrelease_postmortems_types import PostMortem, post_mortem_of_incident
from api.graphql.relay import Connection, from_global_id, paginate
from api.graphql.user_errors import POST_MORTEMS
from domain.postrelease import postmortem_queries as pq
from domain.postrelease import postmortem_service as cmd

payload = MutationRunner(POST_MORTEMS).into(pi.PostMortemPayload, post_mortem=PostMortem)


@strawberry.input
class PostMortemFilter:
    business_unit_id: strawberry.ID
    overdue: bool = strawberry.field(default=False, description="Only the open ones past due.")


@strawberry.type
class PostMortemQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        return {"PostMortem": ("post_mortem", PostMortem)}

    @strawberry.field(description="The incident's post-mortem; null when none or not yours.")
    async def post_mortem_of_incident(
        self, info: Info, incident_id: strawberry.ID
    ) -> PostMortem | None:
        uid = from_global_id(incident_id, "IncidentReport", "incidentId")
        return await post_mortem_of_incident(info, uid)

    @strawberry.field(
        description="A BU's post-mortems by due date (the overdue ones only, if "
        "asked); empty when you may not read them."
    )
    async def post_mortems(
        self, info: Info, filter: PostMortemFilter, first: int | None = 50, after: str | None = None
    ) -> Connection[PostMortem]:
        now = info.context.runtime.clock.now()
        return await paginate(
            info,
            PostMortem,
            pq.of_business_unit,
            from_global_id(filter.business_unit_id, "BusinessUnit", "businessUnitId"),
            now if filter.overdue else None,
            first=first,
            after=after,
        )


@strawberry.type
class PostMortemMutation:
    @payload.mutation(cmd.update, description="Change a post-mortem's title or summary.")
    def post_mortem_update(input: pi.PostMortemUpdateInput) -> cmd.UpdatePostMortem:
        return cmd.UpdatePostMortem(pi.pm_id(input), input.version, input.title, input.summary)

    @payload.mutation(cmd.set_impact, description="Say what the incident's impact was.")
    def post_mortem_impact_set(input: pi.PostMortemImpactSetInput) -> cmd.SetImpact:
        return cmd.SetImpact(pi.pm_id(input), input.version, input.impact)

    @payload.mutation(
        cmd.add_factor,
        description="Add a contributing factor (a system or process); a text naming a person "
        "known to Signalbox is refused (NAMES_A_PERSON) and nothing is stored.",
    )
    def post_mortem_factor_add(input: pi.PostMortemFactorAddInput) -> cmd.AddFactor:
        return cmd.AddFactor(
            pi.pm_id(input), input.version, input.category.value, input.description
        )

    @payload.mutation(
        cmd.add_action,
        description="Add an action item naming the control it changes; it is done only once "
        "that change exists (verified by the sweep or postMortemVerify).",
    )
    def post_mortem_action_item_add(input: pi.PostMortemActionItemAddInput) -> cmd.AddAction:
        return pi.action_add(input)

    @payload.mutation(
        cmd.verify_now,
        description="Verify the open action items now: each one whose change exists is closed.",
    )
    def post_mortem_verify(input: pi.PostMortemVerifyInput) -> cmd.PostMortemRef:
        return cmd.PostMortemRef(pi.pm_id(input), 0)

    @payload.mutation(
        cmd.complete,
        description="Complete the post-mortem: it has an impact and every action item is done.",
    )
    def post_mortem_complete(input: pi.PostMortemRefInput) -> cmd.PostMortemRef:
        return cmd.PostMortemRef(pi.pm_id(input), input.version)
