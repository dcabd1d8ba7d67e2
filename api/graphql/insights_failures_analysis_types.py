"""The analysis a policy proposal was made from (where changes fail), as a node: read where the
proposal is read."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry.scalars import JSON

from api.graphql.enums import exposed
from api.graphql.insights_dora_types import DoraFailureDefinition
from api.graphql.organization_types import BusinessUnit, Person
from api.graphql.relay import Node, node_field
from api.graphql.rows import from_columns
from domain.insights import failure_suggestions as advice

ChangeFailureControl = exposed(advice.Control, name="ChangeFailureControl")


@strawberry.type(
    description="The analysis a policy proposal was made from, as the server recomputed it "
    "then: scope, period, definition, thresholds, the change type's figures and the overall."
)
class ChangeFailureAnalysis(Node):
    id: strawberry.ID
    scope: JSON = strawberry.field(
        description="The ledger scope analysed: business_unit_id, team_id, service_id, tier."
    )
    since: datetime
    until: datetime
    failure_definition: DoraFailureDefinition  # type: ignore[valid-type]
    factor: float
    min_changes: int
    change_type: str
    control: ChangeFailureControl  # type: ignore[valid-type]
    figures: JSON = strawberry.field(
        description='{"type": {changes, failed, incidents, share, rate, lift, by_severity, '
        'worst}, "overall": the same of the scope}.'
    )
    reason: str
    created_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    created_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    created_by = node_field(Person, "person", "created_by_uid")

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(cls, row, failure_definition=DoraFailureDefinition(row.failure))
