"""Guardrails: core, BU and tier-profile sets, effective values, conflicts, onboarding."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.guardrails_inputs import (
    GuardrailBusinessUnitUpdateInput,
    GuardrailCoreUpdateInput,
    GuardrailProfileUpdateInput,
    GuardrailSetPayload,
    TeamOnboardingItemCompleteInput,
    TeamOnboardingItemPayload,
    TeamOnboardingItemReopenInput,
)
from api.graphql.guardrails_types import (
    NODE_LOADERS,
    EffectiveGuardrail,
    GuardrailConflict,
    GuardrailField,
    GuardrailScope,
    GuardrailSet,
    GuardrailSetVersion,
    TeamOnboarding,
)
from api.graphql.mutations import MutationRunner
from api.graphql.organization_types import Tier
from api.graphql.relay import (
    Connection,
    from_global_id,
    from_optional_global_id,
    paginate,
)
from api.graphql.user_errors import GUARDRAILS, UserError
from domain.guardrails import commands as cmd
from domain.guardrails import onboarding, sets
from domain.guardrails import queries as gq
from domain.guardrails.vocabulary import SetKind

run = MutationRunner(GUARDRAILS)


@strawberry.type
class GuardrailsQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This context's node types and loaders, for the schema's `node(id:)`."""
        return NODE_LOADERS

    @strawberry.field(description="Every guardrail a set may hold, with its type and bounds.")
    def guardrail_catalog(self) -> list[GuardrailField]:
        return [GuardrailField.from_domain(f) for f in gq.catalog()]

    @strawberry.field(description="The core guardrails (the RMO's); null if not yours to see.")
    async def guardrail_core(self, info: Info) -> GuardrailSet | None:
        async with info.context.reader() as r:
            view = await gq.core_set(r)
        return GuardrailSet.from_view(view) if view else None

    @strawberry.field(description="The tier profiles, one per tier, each tightening the core.")
    async def guardrail_profiles(self, info: Info) -> list[GuardrailSet]:
        async with info.context.reader() as r:
            views = await gq.profiles(r)
        return [GuardrailSet.from_view(v) for v in views]

    @strawberry.field(description="A BU's guardrails (empty at version 0 until first saved).")
    async def guardrail_set(self, info: Info, business_unit_id: strawberry.ID) -> GuardrailSet:
        bu_id = from_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
        async with info.context.reader() as r:
            view = await gq.business_unit_set(r, bu_id)
        return GuardrailSet.from_view(view)

    @strawberry.field(description="Every saved version of one set, oldest first.")
    async def guardrail_history(
        self,
        info: Info,
        scope: GuardrailScope,  # type: ignore[valid-type]
        business_unit_id: strawberry.ID | None = None,
        tier: Tier | None = None,  # type: ignore[valid-type]
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[GuardrailSetVersion]:
        bu_id = from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
        return await paginate(
            info,
            GuardrailSetVersion,
            gq.history,
            SetKind(scope),
            bu_id=bu_id,
            tier=tier.value if tier else None,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="The guardrails in force for a service now (or at `at`): core, then its "
        "BU's set, then its tier's profile, each value with its source. The service's current "
        "BU and tier are used for past dates too."
    )
    async def effective_guardrails(
        self, info: Info, service_id: strawberry.ID, at: datetime | None = None
    ) -> list[EffectiveGuardrail]:
        sid = from_global_id(service_id, "Service", "serviceId")
        async with info.context.reader() as r:
            eff = await gq.effective(r, sid, at)
        return [EffectiveGuardrail.from_domain(v) for v in eff.values.values()]

    @strawberry.field(
        description="BU and profile values the current core has made looser than itself "
        "(the core's value applies until they are fixed), among the sets you may read."
    )
    async def guardrail_conflicts(self, info: Info) -> list[GuardrailConflict]:
        async with info.context.reader() as r:
            found = await gq.conflicts(r)
        return [GuardrailConflict.from_view(c) for c in found]

    @strawberry.field(description="A team's onboarding checklist and production access.")
    async def team_onboarding(self, info: Info, team_id: strawberry.ID) -> TeamOnboarding | None:
        tid = from_global_id(team_id, "Team", "teamId")
        found = await info.context.loaders.team_onboarding.load(tid)
        return TeamOnboarding.from_domain(found) if found else None


def _saved(saved: sets.SavedSet | None, errors: list[UserError]) -> GuardrailSetPayload:
    return GuardrailSetPayload(
        guardrail_set=GuardrailSet.from_view(gq.view_of(saved.guardrail_set)) if saved else None,
        conflicts=[GuardrailConflict.from_view(c) for c in saved.conflicts] if saved else [],
        errors=errors,
    )


guardrail_set_payload = run.answering(GuardrailSetPayload, _saved)


async def _item(
    info: Info, team_id: uuid.UUID, item: str, errors: list[UserError]
) -> TeamOnboardingItemPayload:
    if errors:
        return TeamOnboardingItemPayload(item=None, onboarding=None, errors=errors)
    found = await info.context.loaders.team_onboarding.load(team_id)
    view = TeamOnboarding.from_domain(found) if found else None
    chosen = next((i for i in view.items if i.item.value == item), None) if view else None
    return TeamOnboardingItemPayload(item=chosen, onboarding=view, errors=[])


@strawberry.type
class GuardrailsMutation:
    @guardrail_set_payload.mutation(
        sets.save_core,
        description="Change the core guardrails (RMO). Never refused because of BU sets or "
        "profiles: the values it makes looser than itself come back as conflicts.",
    )
    def guardrail_core_update(input: GuardrailCoreUpdateInput) -> cmd.SaveCore:
        return cmd.SaveCore(values=input.values, version=input.version, note=input.note)

    @guardrail_set_payload.mutation(
        sets.save_profile,
        description="Change a tier profile (RMO); it may only tighten the core.",
    )
    def guardrail_profile_update(input: GuardrailProfileUpdateInput) -> cmd.SaveProfile:
        return cmd.SaveProfile(
            tier=input.tier.value, values=input.values, version=input.version, note=input.note
        )

    @guardrail_set_payload.mutation(
        sets.save_business_unit_set,
        description="Change a BU's guardrails (its BU admin); a value looser than the core's "
        "is refused with GUARDRAIL_LOOSER_THAN_CORE, one error per value.",
    )
    def guardrail_business_unit_update(
        input: GuardrailBusinessUnitUpdateInput,
    ) -> cmd.SaveBusinessUnitSet:
        return cmd.SaveBusinessUnitSet(
            bu_id=from_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            values=input.values,
            version=input.version,
            note=input.note,
        )

    @strawberry.mutation(description="Tick an onboarding item of a team, with its evidence.")
    async def team_onboarding_item_complete(
        self, info: Info, input: TeamOnboardingItemCompleteInput
    ) -> TeamOnboardingItemPayload:
        c = cmd.CompleteOnboardingItem(
            team_id=from_global_id(input.team_id, "Team", "teamId"),
            item=input.item.value,
            version=input.version,
            evidence_url=input.evidence_url,
            evidence_note=input.evidence_note,
        )
        _, errors = await run(info, lambda uow: onboarding.complete_item(uow, c))
        return await _item(info, c.team_id, c.item, errors)

    @strawberry.mutation(
        description="Revoke a completed onboarding item; production access may go with it."
    )
    async def team_onboarding_item_reopen(
        self, info: Info, input: TeamOnboardingItemReopenInput
    ) -> TeamOnboardingItemPayload:
        c = cmd.ReopenOnboardingItem(
            team_id=from_global_id(input.team_id, "Team", "teamId"),
            item=input.item.value,
            version=input.version,
            reason=input.reason,
        )
        _, errors = await run(info, lambda uow: onboarding.reopen_item(uow, c))
        return await _item(info, c.team_id, c.item, errors)
