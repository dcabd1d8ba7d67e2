"""Guardrails: core, BU and tier-profile sets, effective values, onboarding."""

from __future__ import annotations

import strawberry


@strawberry.type
class GuardrailsQuery:
    pass


@strawberry.type
class GuardrailsMutation:
    pass
