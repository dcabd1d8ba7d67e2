"""Pure rules of legal and regulatory sign-offs: which a release needs, and their state.

A sign-off rule's condition is data: `{data_classifications, region_prefixes, tiers,
change_types}`. It applies to a release when SOME shipped service matches every non-empty
service criterion at once (its data classification, its tier, and a region it is deployed
to starting with one of the prefixes) and, when `change_types` is non-empty, the release
declares one of them. A service is deployed to the release's target regions, or to all of
its own regions when the release names none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.governance.errors import GovernanceErrorCode as Code
from domain.kernel.errors import DomainError
from domain.kernel.rules import within
from domain.kernel.vocabulary import ChangeType
from domain.organization.vocabulary import DataClassification, Discipline, Tier

PREFIX = re.compile(r"^[a-z]{2}(-[a-z0-9]*){0,3}$")
CONDITION_KEYS = ("data_classifications", "region_prefixes", "tiers", "change_types")


class SignOffStatus(StrEnum):
    VALID = "valid"
    MISSING = "missing"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    requirement: str
    discipline: str
    condition: Mapping[str, Sequence[str]]
    validity_days: int


@dataclass(frozen=True, slots=True)
class ShippedService:
    key: str
    tier: str
    data_classification: str
    regions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Required:
    """A sign-off the release needs, with the rules that ask for it."""

    requirement: str
    discipline: str
    validity_days: int
    rule_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Given:
    """A sign-off on record (revoked ones are left out before they reach the rules)."""

    requirement: str
    discipline: str
    signer_id: Any
    signed_at: datetime
    expires_at: datetime
    id: Any = None


@dataclass(frozen=True, slots=True)
class State:
    requirement: str
    discipline: str
    status: SignOffStatus
    sign_off: Given | None


def _members(enum: Any, values: Iterable[str], field: str) -> list[str]:
    out = set()
    for v in values:
        try:
            out.add(str(enum(v)))
        except ValueError:
            raise DomainError(
                f"'{v}' is not a valid {field} value.", code=Code.INVALID_CONDITION, field=field
            ) from None
    return sorted(out)


def check_condition(raw: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """A condition as stored; unknown keys and values are refused."""
    unknown = set(raw) - set(CONDITION_KEYS)
    if unknown:
        raise DomainError(
            f"Unknown condition keys: {', '.join(sorted(unknown))}.",
            code=Code.INVALID_CONDITION,
            field="condition",
        )
    prefixes = sorted({p.strip().lower() for p in raw.get("region_prefixes", [])})
    for p in prefixes:
        if not PREFIX.match(p):
            raise DomainError(
                f"'{p}' is not a region prefix such as 'eu-'.",
                code=Code.INVALID_CONDITION,
                field="condition.regionPrefixes",
            )
    return {
        "data_classifications": _members(
            DataClassification, raw.get("data_classifications", []), "dataClassifications"
        ),
        "region_prefixes": prefixes,
        "tiers": _members(Tier, raw.get("tiers", []), "tiers"),
        "change_types": _members(ChangeType, raw.get("change_types", []), "changeTypes"),
    }


def check_discipline(value: str) -> str:
    try:
        return str(Discipline(value))
    except ValueError:
        raise DomainError(
            f"'{value}' is not a discipline.", code=Code.INVALID_DISCIPLINE, field="discipline"
        ) from None


def check_validity(days: int) -> int:
    message = "A sign-off is valid for 1 to 730 days."
    return within(days, 1, 730, message, code=Code.INVALID_VALIDITY, field="validityDays")


def _service_matches(
    condition: Mapping[str, Sequence[str]], service: ShippedService, regions: Sequence[str]
) -> bool:
    classes = condition.get("data_classifications") or ()
    tiers = condition.get("tiers") or ()
    prefixes = condition.get("region_prefixes") or ()
    if classes and service.data_classification not in classes:
        return False
    if tiers and service.tier not in tiers:
        return False
    deployed = regions or service.regions
    return not prefixes or any(r.startswith(p) for r in deployed for p in prefixes)


def applies(
    rule: Rule,
    services: Iterable[ShippedService],
    *,
    regions: Sequence[str],
    change_types: Iterable[str],
) -> bool:
    wanted = rule.condition.get("change_types") or ()
    if wanted and not set(wanted) & set(change_types):
        return False
    return any(_service_matches(rule.condition, s, regions) for s in services)


def required_sign_offs(
    rules: Iterable[Rule],
    services: Iterable[ShippedService],
    *,
    regions: Sequence[str],
    change_types: Iterable[str],
) -> list[Required]:
    """The sign-offs a release needs, one per (requirement, discipline), by requirement."""
    shipped = list(services)
    kinds = set(change_types)
    found: dict[tuple[str, str], list[Rule]] = {}
    for rule in rules:
        if applies(rule, shipped, regions=regions, change_types=kinds):
            found.setdefault((rule.requirement, rule.discipline), []).append(rule)
    return [
        Required(
            requirement=req,
            discipline=disc,
            validity_days=min(r.validity_days for r in matched),
            rule_keys=tuple(sorted(r.key for r in matched)),
        )
        for (req, disc), matched in sorted(found.items())
    ]


def expiry(signed_at: datetime, validity_days: int) -> datetime:
    return signed_at + timedelta(days=validity_days)


def states(required: Iterable[Required], given: Iterable[Given], now: datetime) -> list[State]:
    """Each requirement's state: the latest sign-off decides; VALID until it expires."""
    latest: dict[tuple[str, str], Given] = {}
    for g in given:
        key = (g.requirement, g.discipline)
        if key not in latest or g.signed_at > latest[key].signed_at:
            latest[key] = g
    out = []
    for r in required:
        found = latest.get((r.requirement, r.discipline))
        if found is None:
            status = SignOffStatus.MISSING
        elif found.expires_at <= now:
            status = SignOffStatus.EXPIRED
        else:
            status = SignOffStatus.VALID
        out.append(State(r.requirement, r.discipline, status, found))
    return out


def outstanding(states_: Iterable[State]) -> list[State]:
    """The requirements that keep a release from approval: missing or expired."""
    return [s for s in states_ if s.status is not SignOffStatus.VALID]
