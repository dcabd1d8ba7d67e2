"""Releases, documentation templates, approval boards, go/no-go sessions and sign-offs."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql import release_search
from api.graphql.governance_board_types import Board
from api.graphql.governance_mutations import GovernanceMutation
from api.graphql.governance_rule_types import DocumentTemplate, SignOffRule
from api.graphql.governance_types import Release
from api.graphql.relay import (
    PageArgs,
    connection_field,
    from_optional_global_id,
)
from api.graphql.release_search import ReleaseFilter
from domain.governance import queries as gov
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader


@strawberry.input
class BusinessUnitScopeFilter:
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="That BU's, plus the org-wide ones."
    )


def _business_unit_id(f: BusinessUnitScopeFilter) -> uuid.UUID | None:
    return from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId")


@strawberry.type
class GovernanceQuery:
    @connection_field(
        Release,
        description="Releases you may read that match the filter, oldest first unless it sorts "
        "them otherwise.",
    )
    def releases(r: Reader, f: ReleaseFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return release_search.releases(r, f, page)

    @connection_field(
        DocumentTemplate,
        description="The latest version of each documentation template, by key.",
    )
    def document_templates(
        r: Reader, f: BusinessUnitScopeFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        return gov.templates(r, bu_id=_business_unit_id(f), **page)

    @connection_field(Board, description="Approval boards you may read, by key.")
    def boards(r: Reader, f: BusinessUnitScopeFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return gov.boards(r, bu_id=_business_unit_id(f), **page)

    @connection_field(SignOffRule, description="The rules that derive required sign-offs, by key.")
    def sign_off_rules(r: Reader, page: PageArgs) -> Awaitable[Page[Any]]:
        return gov.sign_off_rules(r, **page)


__all__ = ["GovernanceMutation", "GovernanceQuery"]
