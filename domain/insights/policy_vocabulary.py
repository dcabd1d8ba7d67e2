"""The words of policy iteration: where a proposal comes from, what it changes, where it stands."""

from __future__ import annotations

from enum import StrEnum


class OriginKind(StrEnum):
    """What a proposal came from."""

    RETROSPECTIVE = "retrospective"
    POST_MORTEM = "post_mortem"
    CHANGE_FAILURES = "change_failures"
    """An analysis of where changes fail (`failure_rules`), recorded when the proposal was made."""


class TargetKind(StrEnum):
    """What a proposal changes: a guardrail field, or a risk level's score threshold."""

    GUARDRAIL = "guardrail"
    RISK_THRESHOLD = "risk_threshold"


class TargetScope(StrEnum):
    """Where the change lands: the org's core, the origin's BU, or a tier profile (guardrails)."""

    CORE = "core"
    BUSINESS_UNIT = "business_unit"
    TIER = "tier"


class ProposalStatus(StrEnum):
    """draft → submitted → approved or rejected; an approved proposal is applied."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    APPLIED = "applied"
