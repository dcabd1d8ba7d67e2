"""Payload errors typed by the context's error-code enum, so scripts can switch on them.

Each context's GraphQL enum is derived from the domain's own enums plus the kernel's codes
that any payload can carry, so a new domain code appears in the schema without a hand edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

import strawberry

from domain.calendar.errors import CalendarErrorCode
from domain.calendar.feed import FeedErrorCode
from domain.compliance.errors import ComplianceErrorCode
from domain.environments.errors import EnvironmentErrorCode
from domain.flags.errors import FlagErrorCode
from domain.governance.errors import GovernanceErrorCode
from domain.guardrails.errors import GuardrailErrorCode, GuardrailProblems
from domain.insights.failure_errors import FailureErrorCode
from domain.insights.maturity_errors import MaturityErrorCode
from domain.insights.policy_errors import PolicyErrorCode
from domain.insights.source_errors import SourceChangeErrorCode
from domain.kernel.errors import DomainError, KernelErrorCode
from domain.organization.errors import OrganizationErrorCode
from domain.pipelines.definition_errors import DefinitionErrorCode
from domain.pipelines.deployment_errors import DeploymentErrorCode
from domain.pipelines.errors import CdEventErrorCode, EvidenceErrorCode
from domain.pipelines.history_errors import HistoryErrorCode
from domain.pipelines.incident_errors import IncidentErrorCode
from domain.pipelines.promotion_commands import PromotionErrorCode
from domain.pipelines.unauthorized_errors import UnauthorizedChangeErrorCode
from domain.postrelease.attribution_errors import AttributionErrorCode
from domain.postrelease.defect_errors import DefectErrorCode
from domain.postrelease.journey_errors import JourneyErrorCode
from domain.postrelease.postmortem_errors import PostMortemErrorCode
from domain.postrelease.review_errors import ReviewErrorCode as PostReleaseReviewErrorCode
from domain.readiness.migration_errors import DataMigrationErrorCode
from domain.readiness.nfr_errors import NfrErrorCode
from domain.readiness.notice_errors import NoticeErrorCode
from domain.readiness.review_errors import ReviewErrorCode
from domain.readiness.volume_errors import VolumeErrorCode
from domain.risk.errors import RiskErrorCode
from domain.support.errors import SupportErrorCode
from domain.trains.errors import TrainErrorCode


@strawberry.interface(
    description="Why a mutation did not do what was asked: a stable code and a sentence."
)
class UserError:
    code: str = strawberry.field(
        description="Stable, machine-readable; owned by the domain.",
        deprecation_reason="Use `errorCode` of the context's error type (`... on FlagError "
        "{ errorCode }`), typed by its enum; `code` goes away in the next release.",
    )
    message: str
    field: str | None = strawberry.field(description="The input field at fault, if one is.")


class WebhookSecretCode(StrEnum):
    """A refusal decided at the API: webhook secrets cannot be sealed without the secret key."""

    SECRET_KEY_REQUIRED = "SECRET_KEY_REQUIRED"


PAYLOAD_KERNEL_CODES = (
    KernelErrorCode.NOT_FOUND,
    KernelErrorCode.BAD_USER_INPUT,
    KernelErrorCode.VERSION_CONFLICT,
    KernelErrorCode.ALREADY_EXISTS,
)
"""The kernel's codes any payload can carry; the others are always top-level errors."""


@dataclass(frozen=True)
class ErrorContext:
    """One bounded context's payload errors: its GraphQL enum and its `UserError` type."""

    domain_codes: tuple[type[StrEnum], ...]
    enum: type[Enum]
    type: type[UserError]

    def user_error(self, exc: DomainError) -> UserError:
        code = str(exc.code)
        make: Any = self.type  # made at runtime, so its fields are known here, not to mypy
        return make(code=code, message=exc.message, field=exc.field, error_code=self.enum[code])

    def __contains__(self, code: object) -> bool:
        return str(code) in self.enum.__members__


def _context(name: str, *domain_codes: type[StrEnum]) -> ErrorContext:
    values = dict.fromkeys(str(c) for enum_ in domain_codes for c in enum_)
    values.update(dict.fromkeys(str(c) for c in PAYLOAD_KERNEL_CODES))
    enum_ = strawberry.enum(
        Enum(f"{name}ErrorCode", {v: v for v in values}),
        description=f"Every code a {name.lower()} refusal can carry, the kernel's generic "
        "ones (NOT_FOUND, VERSION_CONFLICT, BAD_USER_INPUT, ALREADY_EXISTS) included.",
    )
    namespace = {
        "__annotations__": {"error_code": enum_},
        "error_code": strawberry.field(description="What went wrong; switch on it."),
    }
    error_type = strawberry.type(
        type(f"{name}Error", (UserError,), namespace),
        description=f"A refusal of a {name.lower()} mutation, typed by `{name}ErrorCode`.",
    )
    return ErrorContext(domain_codes, enum_, error_type)


CALENDAR = _context("Calendar", CalendarErrorCode, FeedErrorCode)
COMPLIANCE = _context("Compliance", ComplianceErrorCode)
ENVIRONMENTS = _context("Environment", EnvironmentErrorCode)
FLAGS = _context("Flag", FlagErrorCode)
GOVERNANCE = _context("Governance", GovernanceErrorCode)
GUARDRAILS = _context("Guardrail", GuardrailErrorCode)
ORGANIZATION = _context("Organization", OrganizationErrorCode)
PIPELINES = _context(
    "Pipeline",
    EvidenceErrorCode,
    CdEventErrorCode,
    DeploymentErrorCode,
    DefinitionErrorCode,
    PromotionErrorCode,
    UnauthorizedChangeErrorCode,
    WebhookSecretCode,
    IncidentErrorCode,
    HistoryErrorCode,
)
READINESS_REVIEW = _context("ReadinessReview", ReviewErrorCode)
RISK = _context("Risk", RiskErrorCode)
TRAINS = _context("Train", TrainErrorCode)
NFRS = _context("Nfr", NfrErrorCode)
DATA_MIGRATIONS = _context("DataMigration", DataMigrationErrorCode)
VOLUMES = _context("VolumeProfile", VolumeErrorCode)
DOWNTIME_NOTICES = _context("DowntimeNotice", NoticeErrorCode)
SUPPORT = _context("Support", SupportErrorCode)
DEFECTS = _context("Defect", DefectErrorCode)
# issue 17: incidents linked to changes, blameless post-mortems
INCIDENT_ATTRIBUTION = _context("IncidentAttribution", AttributionErrorCode)
POST_MORTEMS = _context("PostMortem", PostMortemErrorCode)
POST_RELEASE_REVIEW = _context("PostReleaseReview", PostReleaseReviewErrorCode)
# postrelease: synthetic journeys (issue 17)
JOURNEYS = _context("Journey", JourneyErrorCode)
# insights: quarterly maturity assessments (issue 18)
MATURITY = _context("Maturity", MaturityErrorCode)
# insights: policy iteration (issue 18)
POLICY = _context("Policy", PolicyErrorCode)
# insights: source changes, the change ledger (issue 18)
SOURCE_CHANGES = _context("SourceChange", SourceChangeErrorCode)
# insights: where changes fail (issue 18)
CHANGE_FAILURES = _context("ChangeFailure", FailureErrorCode)

CONTEXTS = (
    CALENDAR,
    COMPLIANCE,
    ENVIRONMENTS,
    FLAGS,
    GOVERNANCE,
    GUARDRAILS,
    ORGANIZATION,
    PIPELINES,
    READINESS_REVIEW,
    RISK,
    TRAINS,
    NFRS,
    DATA_MIGRATIONS,
    VOLUMES,
    DOWNTIME_NOTICES,
    SUPPORT,
    DEFECTS,
    INCIDENT_ATTRIBUTION,
    POST_MORTEMS,
    POST_RELEASE_REVIEW,
    JOURNEYS,
    MATURITY,
    POLICY,
    SOURCE_CHANGES,
    CHANGE_FAILURES,
)
ERROR_TYPES = [c.type for c in CONTEXTS]
"""The concrete error types, for the schema: payload fields name only the interface."""

_OWNER = {enum_: c for c in CONTEXTS for enum_ in c.domain_codes}


def user_errors(exc: DomainError, context: ErrorContext) -> list[UserError]:
    """A refusal as payload errors, one per problem it names, typed by the payload's context.

    A code raised by a lower context that the payload's context does not know (a calendar
    rule refusing inside a governance use case, say) keeps the type of the context owning it.
    """
    problems: Iterable[DomainError] = exc.problems if isinstance(exc, GuardrailProblems) else [exc]
    return [(context if p.code in context else _owner(p.code)).user_error(p) for p in problems]


def _owner(code: str) -> ErrorContext:
    try:
        return _OWNER[type(code)]  # type: ignore[index]
    except KeyError:
        raise LookupError(
            f"{code!r} is in no context's GraphQL error enum: register its enum in user_errors.py"
        ) from None
