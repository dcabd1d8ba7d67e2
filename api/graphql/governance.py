"""Releases, documentation templates, approval boards, go/no-go sessions and sign-offs."""

from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.graphql.governance_board_types import Board
from api.graphql.governance_mutations import GovernanceMutation
from api.graphql.governance_rule_types import DocumentTemplate, SignOffRule
from api.graphql.governance_types import Release, ReleaseStatus
from api.graphql.relay import Connection, from_optional_global_id, paginate
from domain.governance import queries as gov


@strawberry.input
class ReleaseFilter:
    business_unit_id: strawberry.ID | None = None
    status: ReleaseStatus | None = None
    owner_id: strawberry.ID | None = None


@strawberry.input
class BusinessUnitScopeFilter:
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="That BU's, plus the org-wide ones."
    )


@strawberry.type
class GovernanceQuery:
    @strawberry.field(description="Releases you may read, oldest first.")
    async def releases(
        self,
        info: Info,
        filter: ReleaseFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Release]:
        f = filter or ReleaseFilter()
        return await paginate(
            info,
            Release,
            gov.releases,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            status=f.status.value if f.status else None,
            owner_id=from_optional_global_id(f.owner_id, "Person", "ownerId"),
            first=first,
            after=after,
        )

    @strawberry.field(description="The latest version of each documentation template, by key.")
    async def document_templates(
        self,
        info: Info,
        filter: BusinessUnitScopeFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[DocumentTemplate]:
        bu_id = from_optional_global_id(
            (filter or BusinessUnitScopeFilter()).business_unit_id, "BusinessUnit", "businessUnitId"
        )
        return await paginate(
            info, DocumentTemplate, gov.templates, bu_id=bu_id, first=first, after=after
        )

    @strawberry.field(description="Approval boards you may read, by key.")
    async def boards(
        self,
        info: Info,
        filter: BusinessUnitScopeFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Board]:
        bu_id = from_optional_global_id(
            (filter or BusinessUnitScopeFilter()).business_unit_id, "BusinessUnit", "businessUnitId"
        )
        return await paginate(info, Board, gov.boards, bu_id=bu_id, first=first, after=after)

    @strawberry.field(description="The rules that derive required sign-offs, by key.")
    async def sign_off_rules(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[SignOffRule]:
        return await paginate(info, SignOffRule, gov.sign_off_rules, first=first, after=after)


__all__ = ["GovernanceMutation", "GovernanceQuery"]
