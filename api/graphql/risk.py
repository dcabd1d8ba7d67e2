"""Risk: the scoring model, BU mappings, assessments and peer reviews."""

from __future__ import annotations

import strawberry


@strawberry.type
class RiskQuery:
    pass


@strawberry.type
class RiskMutation:
    pass
