"""Which allowed promotion a production deployment carries out, and when a release may be
called deployed: pure functions over plain values.

The matching rule. A deployment report that names a promotion (or a release) is checked
against it: the named promotion must be of the same service, environment and artifact version
(and of the named release), and allowed (or already promoted). Without a name, the deployment
carries out the most recently decided allowed (or promoted) promotion of the same service,
environment and version — of the named release when one is named. No such promotion: the
deployment is an unauthorized change, with the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.guardrails.effective import EffectiveGuardrails
from domain.kernel.errors import DomainError
from domain.pipelines.unauthorized_errors import UnauthorizedChangeErrorCode as Code
from domain.pipelines.vocabulary import CARRIED_OUT_BY, PromotionStatus

MAX_FINDING = 4000
ALERT_GUARDRAIL = "unauthorized_change_alert"


def raises_alert(guardrails: EffectiveGuardrails) -> bool:
    """Whether an unauthorized change of a service with these guardrails raises an incident-like
    alert through the outbox (it is recorded for review either way)."""
    return bool(guardrails.values[ALERT_GUARDRAIL].value)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A promotion as the matching rule sees it."""

    id: uuid.UUID
    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    release_id: uuid.UUID | None
    status: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class Reported:
    """What a deployment report says it is, and what it names (if anything)."""

    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    promotion_id: uuid.UUID | None = None
    release_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Match:
    promotion: Candidate | None
    reason: str = ""
    """Why no allowed promotion covers the deployment; empty when one does."""
    release_id: uuid.UUID | None = None
    """The release the deployment carries out: the matched or named promotion's, the named
    release, or that of the latest promotion of the same change that was not allowed."""
    mismatch: Code | None = None
    """The named promotion (or release) contradicts the report: a caller who can still be
    refused (GraphQL) is refused with this code; a report of the past is kept as unauthorized."""


def _same_change(c: Candidate, r: Reported) -> bool:
    return (c.service_id, c.environment_id, c.artifact_version) == (
        r.service_id,
        r.environment_id,
        r.artifact_version,
    )


def _named(r: Reported, candidates: Sequence[Candidate]) -> Match:
    found = next((c for c in candidates if c.id == r.promotion_id), None)
    if found is None:
        reason = "The promotion the report names does not exist."
        return Match(None, reason, r.release_id, Code.PROMOTION_MISMATCH)
    if not _same_change(found, r):
        return Match(
            None,
            "The promotion the report names is of another service, environment or version "
            f"({found.artifact_version}).",
            r.release_id,
            Code.PROMOTION_MISMATCH,
        )
    if r.release_id is not None and found.release_id != r.release_id:
        reason = "The promotion the report names carries out another release."
        return Match(None, reason, r.release_id, Code.RELEASE_MISMATCH)
    if found.status not in CARRIED_OUT_BY:
        reason = f"The promotion the report names is {found.status}, not allowed."
        return Match(None, reason, found.release_id)
    return Match(found, release_id=found.release_id)


def match(r: Reported, candidates: Sequence[Candidate]) -> Match:
    """The promotion a production deployment carries out (see the module docstring)."""
    if not r.artifact_version:
        reason = "The report names no artifact version, so no promotion can cover it."
        return Match(None, reason, r.release_id)
    if r.promotion_id is not None:
        return _named(r, candidates)
    same = [
        c
        for c in candidates
        if _same_change(c, r) and (r.release_id is None or c.release_id == r.release_id)
    ]
    allowed = [c for c in same if c.status in CARRIED_OUT_BY]
    if allowed:
        found = max(allowed, key=lambda c: (c.decided_at, str(c.id)))
        return Match(found, release_id=found.release_id)
    of = "of the named release " if r.release_id is not None else ""
    if same:
        latest = max(same, key=lambda c: (c.decided_at, str(c.id)))
        return Match(
            None,
            f"The promotion {of}of {r.artifact_version} to this environment is "
            f"{latest.status}, not allowed.",
            r.release_id or latest.release_id,
        )
    reason = f"No promotion {of}of {r.artifact_version} to this environment was asked."
    return Match(None, reason, r.release_id)


def promotes(status: str) -> bool:
    """Whether a reported deployment moves its promotion to PROMOTED (once, from ALLOWED)."""
    return status == PromotionStatus.ALLOWED


def check_finding(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_FINDING:
        raise DomainError(
            f"A finding is 1-{MAX_FINDING} characters: what happened and what was done.",
            code=Code.INVALID_FINDING,
            field="finding",
        )
    return text


def check_reviewer(reviewer_id: uuid.UUID | None, deployed_by_id: uuid.UUID | None) -> uuid.UUID:
    """A person reviews an unauthorized change, never the one who deployed it."""
    if reviewer_id is None:
        raise DomainError("Only a person reviews an unauthorized change.", code=Code.SELF_REVIEW)
    if reviewer_id == deployed_by_id:
        raise DomainError(
            "You deployed this change, so someone else reviews it.", code=Code.SELF_REVIEW
        )
    return reviewer_id


@dataclass(frozen=True, slots=True)
class ReleaseDeployment:
    """A production deployment of a release: linked, or an unauthorized change and its status."""

    service_id: uuid.UUID
    linked: bool
    open: bool = False


def completion_problems(
    targets_production: bool,
    service_ids: Iterable[uuid.UUID],
    service_keys: dict[uuid.UUID, str],
    deployments: Sequence[ReleaseDeployment],
) -> list[DomainError]:
    """Why a release may not be called deployed yet: an unauthorized production change of it
    awaits review, or (when it names production) a service of it has no production deployment
    linked to an allowed promotion of the release nor a reviewed unauthorized change."""
    problems = []
    awaiting = sorted({service_keys.get(d.service_id, "?") for d in deployments if d.open})
    if awaiting:
        problems.append(
            DomainError(
                f"Unauthorized production changes await review: {', '.join(awaiting)}.",
                code=Code.PRODUCTION_UNAUTHORIZED,
            )
        )
    if targets_production:
        covered = {d.service_id for d in deployments if d.linked or not d.open}
        missing = sorted(service_keys.get(s, "?") for s in set(service_ids) - covered)
        if missing:
            problems.append(
                DomainError(
                    "No production deployment linked to an allowed promotion of this release: "
                    f"{', '.join(missing)}.",
                    code=Code.PRODUCTION_NOT_PROMOTED,
                )
            )
    return problems
