"""Error codes owned by the guardrails context, and the refusal that carries several at once."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from domain.kernel.errors import DomainError


class GuardrailErrorCode(StrEnum):
    UNKNOWN_GUARDRAIL = "UNKNOWN_GUARDRAIL"
    INVALID_GUARDRAIL_VALUE = "INVALID_GUARDRAIL_VALUE"
    INVALID_LICENCE = "INVALID_LICENCE"
    LICENCE_ALLOWED_AND_DENIED = "LICENCE_ALLOWED_AND_DENIED"
    GUARDRAIL_LOOSER_THAN_CORE = "GUARDRAIL_LOOSER_THAN_CORE"
    INVALID_VALUES = "INVALID_VALUES"
    UNKNOWN_TIER = "UNKNOWN_TIER"
    NOTE_REQUIRED = "NOTE_REQUIRED"
    INVALID_NOTE = "INVALID_NOTE"
    EVIDENCE_REQUIRED = "EVIDENCE_REQUIRED"
    INVALID_EVIDENCE_URL = "INVALID_EVIDENCE_URL"
    INVALID_EVIDENCE_NOTE = "INVALID_EVIDENCE_NOTE"
    UNKNOWN_ONBOARDING_ITEM = "UNKNOWN_ONBOARDING_ITEM"
    ONBOARDING_ITEM_NOT_COMPLETE = "ONBOARDING_ITEM_NOT_COMPLETE"


class GuardrailProblems(DomainError):
    """Several refusals found at once (one per guardrail key), so a UI can show them all.

    Code, message and field are the first problem's, for callers that show only one.
    """

    def __init__(self, problems: Sequence[DomainError]) -> None:
        assert problems, "GuardrailProblems needs at least one problem"
        first = problems[0]
        super().__init__(first.message, code=str(first.code), field=first.field)
        self.problems = list(problems)
