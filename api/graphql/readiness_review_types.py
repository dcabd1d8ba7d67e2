"""Types of SRE readiness reviews: a release's review, its checklist items, the templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.governance_types import Release
from api.graphql.organization_types import BusinessUnit, Person, Service, Tier
from api.graphql.relay import Node, load_node, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.organization import vocabulary as organization_vocabulary
from domain.readiness import review_vocabulary as vocabulary

ReadinessItemKind = exposed(vocabulary.ItemKind, name="ReadinessItemKind")
ReadinessReviewStatus = exposed(vocabulary.ReviewStatus, name="ReadinessReviewStatus")


@strawberry.type(description="One item of a readiness checklist template.")
class ReadinessTemplateItem:
    key: str
    kind: ReadinessItemKind
    title: str
    valid_days: int = strawberry.field(description="How long its evidence stays valid.")


@strawberry.type(description="One version of a readiness checklist template (org or BU).")
class ReadinessReviewTemplate(Node):
    id: strawberry.ID
    key: str
    name: str
    version: int
    active: bool
    tiers: list[Tier] = strawberry.field(description="Empty: every tier.")
    items: list[ReadinessTemplateItem]
    created_at: datetime
    bu_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> ReadinessReviewTemplate:
        return from_columns(
            cls,
            r,
            tiers=[organization_vocabulary.Tier(t) for t in r.tiers],
            items=[
                ReadinessTemplateItem(
                    key=i["key"],
                    kind=vocabulary.ItemKind(i["kind"]),
                    title=i["title"],
                    valid_days=i["valid_days"],
                )
                for i in r.items
            ],
        )

    business_unit = node_field(
        BusinessUnit, "business_unit", "bu_uid", "The BU whose reviews it adds to; null: org."
    )


@strawberry.type(description="One checklist item of a review, with its evidence once recorded.")
class ReadinessReviewItem(FromColumns):
    key: str = strawberry.field(description="`<template key>.<item key>`.")
    kind: ReadinessItemKind
    title: str
    valid_days: int
    evidence_url: str | None
    note: str
    checked_at: datetime | None = strawberry.field(description="When the evidence was checked.")
    expires_at: datetime | None
    recorded_at: datetime | None
    recorded_by_uid: strawberry.Private[uuid.UUID | None]

    recorded_by = node_field(Person, "person", "recorded_by_uid")


@strawberry.type(
    description="An SRE readiness review, of a release or of a service for its first launch: "
    "its checklist and sign-off."
)
class ReadinessReview(Node, FromColumns):
    id: strawberry.ID
    status: ReadinessReviewStatus
    signed_off_at: datetime | None
    sign_off_note: str
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID | None]
    service_uid: strawberry.Private[uuid.UUID | None]
    opened_by_uid: strawberry.Private[uuid.UUID | None]
    signed_off_by_uid: strawberry.Private[uuid.UUID | None]

    release = node_field(
        Release, "release", "release_uid", "The release it reviews; null: a service's."
    )
    service = node_field(
        Service,
        "service",
        "service_uid",
        "The service whose first launch it reviews; null: a release's review.",
    )
    opened_by = node_field(Person, "person", "opened_by_uid")
    signed_off_by = node_field(
        Person,
        "person",
        "signed_off_by_uid",
        "The SRE who signed it off (never its owner or author, nor a service review's opener).",
    )

    @strawberry.field(description="The checklist, in order.")
    async def items(self, info: Info) -> list[ReadinessReviewItem]:
        rows = await info.context.loaders.readiness_review_items.load(self.uid)
        return [ReadinessReviewItem.from_row(r) for r in rows]

    @strawberry.field(
        description="What is missing now, item by item (no evidence, expired, a runbook "
        "reviewed longer ago than the guardrails allow); empty when every item is met."
    )
    async def missing(self, info: Info) -> list[str]:
        found = await info.context.loaders.readiness_review_missing.load(self.uid)
        return list(found or [])


async def release_readiness_review(info: Info, release_id: uuid.UUID) -> ReadinessReview | None:
    """The release's readiness review; null when none is open or not yours to read."""
    return await load_node(
        info.context.loaders.readiness_review_of_release, ReadinessReview, release_id
    )


async def service_readiness_review(info: Info, service_id: uuid.UUID) -> ReadinessReview | None:
    """The service's first-launch readiness review; null when none is open or not yours."""
    return await load_node(
        info.context.loaders.readiness_review_of_service, ReadinessReview, service_id
    )
