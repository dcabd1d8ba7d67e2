"""Pure rules of disaster recovery: procedure facts, test records, and the "dr_test" gate.

The gate, per service:

- Every service needs an active SERVICE_REVERSION procedure (a release can always be undone).
- A service whose data classification is not PUBLIC also needs an active DATA_RESTORATION
  procedure: a release that damages non-public data must be able to restore it.
- Every active procedure of a required kind must have passed a test no longer ago than the
  effective `max_dr_test_age_days`: an untested runbook on the shelf is a false comfort, so
  a stale one blocks until it is tested again or retired.
- Failed tests never count as passing; a later pass is what makes a procedure current.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.vocabulary import DrKind
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateOutcome, failed, passed
from domain.kernel.rules import trimmed, within

GATE = "dr_test"
MAX_TITLE = 200
MAX_URL = 2000
MAX_OBJECTIVE_MINUTES = 60 * 24 * 90
"""RTO and RPO are bounded by 90 days: anything longer is not a recovery objective."""
MAX_TEST_MINUTES = 60 * 24 * 7
MAX_NOTES = 8000


@dataclass(frozen=True, slots=True)
class ProcedureFacts:
    """An active procedure and when it last passed a test (None: never)."""

    id: uuid.UUID
    kind: str
    title: str
    last_passed_at: datetime | None


def required_kinds(data_classification: str) -> list[DrKind]:
    """The procedure kinds a service must have, in a stable order."""
    if data_classification == "public":
        return [DrKind.SERVICE_REVERSION]
    return [DrKind.SERVICE_REVERSION, DrKind.DATA_RESTORATION]


def _label(kind: str) -> str:
    return kind.replace("_", " ")


def evaluate(
    service: str,
    data_classification: str,
    procedures: Sequence[ProcedureFacts],
    max_age_days: int,
    now: datetime,
) -> GateOutcome:
    """The dr_test gate for a service, naming every missing or stale procedure."""
    required = required_kinds(data_classification)
    bound = timedelta(days=max_age_days)
    problems: list[str] = []
    facts: list[dict[str, Any]] = []
    for kind in required:
        of_kind = sorted((p for p in procedures if p.kind == kind), key=lambda p: p.title)
        if not of_kind:
            why = (
                "" if kind == DrKind.SERVICE_REVERSION else f" (its data is {data_classification})"
            )
            problems.append(f"{service} has no active {_label(kind)} procedure{why}.")
        for p in of_kind:
            age = None if p.last_passed_at is None else now - p.last_passed_at
            facts.append(
                {
                    "procedureId": str(p.id),
                    "kind": p.kind,
                    "title": p.title,
                    "lastPassedAt": p.last_passed_at.isoformat() if p.last_passed_at else None,
                    "ageDays": None if age is None else age.days,
                }
            )
            if age is None:
                problems.append(f"'{p.title}' has never passed a test.")
            elif age > bound:
                problems.append(
                    f"'{p.title}' last passed a test {age.days} days ago; "
                    f"at most {max_age_days} days are allowed."
                )
    evidence = {
        "required": [k.value for k in required],
        "maxTestAgeDays": max_age_days,
        "procedures": facts,
    }
    if problems:
        return failed(GATE, " ".join(problems), **evidence)
    oldest = max(f["ageDays"] for f in facts)
    return passed(
        GATE,
        f"Every required DR procedure of {service} passed a test within {max_age_days} days "
        f"(the oldest {oldest} days ago).",
        **evidence,
    )


# -- procedure and test facts ---------------------------------------------------------------


def check_title(title: str) -> str:
    message = f"A title has 1 to {MAX_TITLE} characters."
    return trimmed(title, 1, MAX_TITLE, message, code=Code.INVALID_TITLE, field="title")


def check_url(url: str, *, code: str, field: str) -> str:
    """An absolute http(s) URL."""
    value = url.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or len(value) > MAX_URL
    ):
        raise DomainError(f"'{url}' is not an http(s) URL.", code=code, field=field)
    return value


def check_runbook_url(url: str) -> str:
    return check_url(url, code=Code.INVALID_RUNBOOK_URL, field="runbookUrl")


def check_evidence_url(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    return check_url(url, code=Code.INVALID_EVIDENCE_URL, field="evidenceUrl")


def check_objective(minutes: int | None, field: str) -> int | None:
    message = f"A recovery objective is 0 to {MAX_OBJECTIVE_MINUTES} minutes."
    return within(
        minutes, 0, MAX_OBJECTIVE_MINUTES, message, code=Code.INVALID_OBJECTIVE, field=field
    )


def check_owner(person_id: uuid.UUID | None, team_id: uuid.UUID | None) -> None:
    if person_id is None and team_id is None:
        raise DomainError(
            "A DR procedure has an owning person or team.",
            code=Code.OWNER_REQUIRED,
            field="ownerId",
        )


def check_performed_at(performed_at: datetime, now: datetime) -> datetime:
    if performed_at.utcoffset() is None:
        raise DomainError(
            "Give the time with a time zone.", code=Code.TEST_IN_FUTURE, field="performedAt"
        )
    if performed_at > now:
        raise DomainError(
            "A test is recorded once it has been performed, not before.",
            code=Code.TEST_IN_FUTURE,
            field="performedAt",
        )
    return performed_at


def check_test_duration(minutes: int | None) -> int | None:
    message = f"A test lasts 0 to {MAX_TEST_MINUTES} minutes."
    return within(
        minutes,
        0,
        MAX_TEST_MINUTES,
        message,
        code=Code.INVALID_TEST_DURATION,
        field="durationMinutes",
    )


def check_notes(notes: str) -> str:
    message = f"Keep notes to {MAX_NOTES} characters."
    return trimmed(notes, 0, MAX_NOTES, message, code=Code.NOTE_TOO_LONG, field="notes")
