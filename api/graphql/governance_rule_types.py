"""GraphQL types of governance's rule book: documentation templates and sign-off rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.governance_types import ChangeType, Release, ReleaseType
from api.graphql.organization_types import (
    BusinessUnit,
    DataClassification,
    Discipline,
    Person,
    Tier,
)
from api.graphql.relay import Node, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.governance import vocabulary as governance_vocabulary
from domain.kernel import vocabulary as shared_vocabulary
from domain.organization import vocabulary as organization_vocabulary


@strawberry.type(description="A field of a template section.")
class TemplateField:
    key: str
    label: str
    required: bool


@strawberry.type(description="A section of a documentation template.")
class TemplateSection:
    key: str
    title: str
    fields: list[TemplateField]


@strawberry.type(
    description="One version of a documentation template; editing adds a version. "
    "businessUnit null: an org (RMO) template."
)
class DocumentTemplate(Node):
    id: strawberry.ID
    key: str
    name: str
    version: int
    active: bool
    release_types: list[ReleaseType] = strawberry.field(description="Empty: every type.")
    tiers: list[Tier] = strawberry.field(description="Empty: every tier.")
    sections: list[TemplateSection]
    created_at: datetime
    bu_uid: strawberry.Private[uuid.UUID | None]
    created_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> DocumentTemplate:
        return from_columns(
            cls,
            r,
            release_types=[governance_vocabulary.ReleaseType(t) for t in r.release_types],
            tiers=[organization_vocabulary.Tier(t) for t in r.tiers],
            sections=[
                TemplateSection(
                    key=s["key"],
                    title=s["title"],
                    fields=[TemplateField(**f) for f in s["fields"]],
                )
                for s in r.sections
            ],
        )

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    created_by = node_field(Person, "person", "created_by_uid")


@strawberry.type(description="When a rule applies: every non-empty list must match.")
class SignOffCondition:
    data_classifications: list[DataClassification]
    region_prefixes: list[str]
    tiers: list[Tier]
    change_types: list[ChangeType]


@strawberry.type(description="A rule deriving a required sign-off from a release's data (RMO).")
class SignOffRule(Node):
    id: strawberry.ID
    key: str
    name: str
    requirement: str
    discipline: Discipline
    condition: SignOffCondition
    validity_days: int
    active: bool
    version: int

    @classmethod
    def from_row(cls, r: Any) -> SignOffRule:
        c = r.condition or {}
        return from_columns(
            cls,
            r,
            condition=SignOffCondition(
                data_classifications=[
                    organization_vocabulary.DataClassification(x)
                    for x in c.get("data_classifications", [])
                ],
                region_prefixes=list(c.get("region_prefixes", [])),
                tiers=[organization_vocabulary.Tier(x) for x in c.get("tiers", [])],
                change_types=[shared_vocabulary.ChangeType(x) for x in c.get("change_types", [])],
            ),
        )


@strawberry.type(description="A sign-off given for a release: who, when, until when.")
class SignOff(Node, FromColumns):
    id: strawberry.ID
    requirement: str
    discipline: Discipline
    signed_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    note: str
    release_uid: strawberry.Private[uuid.UUID]
    signer_uid: strawberry.Private[uuid.UUID]

    signer = node_field(Person, "person", "signer_uid")

    release = node_field(Release, "release", "release_uid")
