"""Inputs and payloads of the readiness-review mutations, and their decoding into commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql.organization_types import Tier
from api.graphql.readiness_review_types import (
    ReadinessItemKind,
    ReadinessReview,
    ReadinessReviewTemplate,
)
from api.graphql.relay import from_global_id, from_optional_global_id
from api.graphql.user_errors import UserError
from domain.readiness import review_commands as cmd


@strawberry.input(description="One checklist item of a template.")
class ReadinessTemplateItemInput:
    key: str = strawberry.field(description="2-64 lowercase letters, digits and dashes.")
    kind: ReadinessItemKind
    title: str
    valid_days: int = strawberry.field(default=90, description="How long evidence stays valid.")


@strawberry.input
class ReadinessReviewTemplateCreateInput:
    key: str
    name: str
    items: list[ReadinessTemplateItemInput]
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The BU whose reviews it adds to (its admins); null: org-wide."
    )
    tiers: list[Tier] = strawberry.field(default_factory=list, description="Empty: every tier.")


@strawberry.input(description="Null fields keep their value; a new version is added.")
class ReadinessReviewTemplateReviseInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    items: list[ReadinessTemplateItemInput] | None = None
    tiers: list[Tier] | None = None
    active: bool | None = None


@strawberry.input
class ReadinessReviewOpenInput:
    release_id: strawberry.ID


@strawberry.input
class ReadinessReviewOpenForServiceInput:
    service_id: strawberry.ID


@strawberry.input(description="Evidence for one checklist item of an open review.")
class ReadinessReviewRecordEvidenceInput:
    id: strawberry.ID
    version: int
    item_key: str = strawberry.field(description="The item's `<template key>.<item key>`.")
    evidence_url: str = strawberry.field(description="An http(s) link to the evidence.")
    note: str = ""
    checked_at: datetime | None = strawberry.field(
        default=None,
        description="When it was checked (a runbook: last reviewed); null: now.",
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="An earlier expiry than the item's validity allows."
    )


@strawberry.input
class ReadinessReviewSignOffInput:
    id: strawberry.ID
    version: int
    note: str = ""


@strawberry.input
class ReadinessReviewReopenInput:
    id: strawberry.ID
    version: int
    reason: str


@strawberry.type
class ReadinessReviewPayload:
    readiness_review: ReadinessReview | None
    errors: list[UserError]


@strawberry.type
class ReadinessReviewTemplatePayload:
    readiness_review_template: ReadinessReviewTemplate | None
    errors: list[UserError]


def _items(items: list[ReadinessTemplateItemInput] | None) -> list[dict[str, Any]] | None:
    if items is None:
        return None
    return [
        {"key": i.key, "kind": i.kind.value, "title": i.title, "valid_days": i.valid_days}
        for i in items
    ]


def template_create(i: ReadinessReviewTemplateCreateInput) -> cmd.CreateTemplate:
    return cmd.CreateTemplate(
        key=i.key,
        name=i.name,
        items=_items(i.items) or [],
        bu_id=from_optional_global_id(i.business_unit_id, "BusinessUnit", "businessUnitId"),
        tiers=[t.value for t in i.tiers],
    )


def template_revise(i: ReadinessReviewTemplateReviseInput) -> cmd.ReviseTemplate:
    return cmd.ReviseTemplate(
        template_id=from_global_id(i.id, "ReadinessReviewTemplate"),
        version=i.version,
        name=i.name,
        items=_items(i.items),
        tiers=None if i.tiers is None else [t.value for t in i.tiers],
        active=i.active,
    )


def review_id(i: Any) -> Any:
    return from_global_id(i.id, "ReadinessReview")
