"""Inputs and payloads of the post-mortem mutations (issue 17)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.postrelease_postmortems_types import (
    ActionTargetKind,
    FactorCategory,
    PostMortem,
)
from api.graphql.relay import from_global_id
from api.graphql.user_errors import UserError
from domain.postrelease import postmortem_service as cmd


@strawberry.input(description="Null fields keep their value.")
class PostMortemUpdateInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    summary: str | None = None


@strawberry.input
class PostMortemImpactSetInput:
    id: strawberry.ID
    version: int
    impact: str = strawberry.field(description="What users and the business went through.")


@strawberry.input(description="A system or process that contributed; never a person.")
class PostMortemFactorAddInput:
    id: strawberry.ID
    version: int
    category: FactorCategory
    description: str


@strawberry.input(
    description="An action item and the control it changes: give the fields of "
    "its kind (templateKey+itemKey, testName, pipelineKey+gate, guardrailKey+guardrailValue)."
)
class PostMortemActionItemAddInput:
    id: strawberry.ID
    version: int
    title: str
    target_kind: ActionTargetKind
    template_key: str | None = None
    item_key: str | None = None
    test_name: str | None = None
    pipeline_key: str | None = None
    gate: str | None = None
    guardrail_key: str | None = None
    guardrail_value: JSON | None = None


@strawberry.input
class PostMortemRefInput:
    id: strawberry.ID
    version: int


@strawberry.input
class PostMortemVerifyInput:
    id: strawberry.ID


@strawberry.type
class PostMortemPayload:
    post_mortem: PostMortem | None
    errors: list[UserError]


def pm_id(i: Any) -> Any:
    return from_global_id(i.id, "PostMortem")


def action_add(i: PostMortemActionItemAddInput) -> cmd.AddAction:
    given = {
        "template_key": i.template_key,
        "item_key": i.item_key,
        "test_name": i.test_name,
        "pipeline_key": i.pipeline_key,
        "gate": i.gate,
        "key": i.guardrail_key,
        "value": i.guardrail_value,
    }
    return cmd.AddAction(
        post_mortem_id=pm_id(i),
        version=i.version,
        title=i.title,
        target_kind=i.target_kind.value,
        target={k: v for k, v in given.items() if v is not None},
    )
