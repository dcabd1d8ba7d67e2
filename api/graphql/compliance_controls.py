"""Compliance controls: emergency bypasses, post-facto reviews, disaster recovery."""

from __future__ import annotations

import strawberry


@strawberry.type
class ComplianceControlsQuery:
    pass


@strawberry.type
class ComplianceControlsMutation:
    pass
