"""How a severity sent by an operations tool reads as SEV1..SEV4, and when an incident or a
change happened (pure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.kernel.errors import DomainError
from domain.pipelines.vocabulary import IncidentSeverity

_WORDS = {
    "critical": IncidentSeverity.SEV1,
    "high": IncidentSeverity.SEV2,
    "major": IncidentSeverity.SEV2,
    "medium": IncidentSeverity.SEV3,
    "moderate": IncidentSeverity.SEV3,
    "low": IncidentSeverity.SEV4,
    "minor": IncidentSeverity.SEV4,
}


def severity_from(value: Any) -> str | None:
    """`SEV2`, `sev2`, `2`, `P2` or a word (critical, high, medium, low) as SEV1..SEV4; None
    when absent or not understood (the incident is then unrated until someone rates it)."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip().lower()
    if text in _WORDS:
        return _WORDS[text].value
    digits = text.removeprefix("sev").removeprefix("p").strip()
    if digits in {"1", "2", "3", "4"}:
        return f"SEV{digits}"
    return None


def happened(
    value: datetime | None, now: datetime, what: str, *, code: str, field: str
) -> datetime:
    """When something was observed or made: `value`, or now when not given; never in the
    future, never without its UTC offset (refusals naming the field)."""
    if value is not None and value.utcoffset() is None:
        raise DomainError(
            f"{what}'s time needs its UTC offset (e.g. 2026-12-07T09:00:00Z).",
            code=code,
            field=field,
        )
    at = value or now
    if at > now:
        raise DomainError(f"{what} cannot be in the future.", code=code, field=field)
    return at
