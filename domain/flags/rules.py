"""Pure rules of flags: what a valid flag and state look like, what counts as production and
needs approval, and when a flag is stale.

Production: an environment whose key starts with `production` (`production`, `production-eu`)
or one marked `production: true` on the flag's state (for names like `prd-us`). Once marked, a
state stays production: unmarking is itself a production change.

Approval: a production change of a flag of a CRITICAL service is recorded as pending and
applied when someone else holding `flag/approve` in the BU approves it. A kill is never held
back: stopping a feature is always allowed at once (and audited).

Stale (reported, never acted on): a temporary flag (RELEASE, EXPERIMENT) past its expiry; a
temporary flag fully rolled out (on for everyone, in every environment it has a state in) for
N days; any flag not evaluated anywhere for N days (never evaluated counts from its creation).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from domain.flags.definitions import (
    DEFAULT_STICKINESS,
    MULTI_VALUE,
    Condition,
    EnvironmentState,
    Operator,
    Serve,
)
from domain.flags.errors import FlagErrorCode as Code
from domain.flags.models import TEMPORARY_KINDS
from domain.flags.targeting import parse_datetime, parse_number, parse_semver
from domain.flags.vocabulary import FlagKind, ValueType
from domain.kernel.errors import DomainError, VersionConflict
from domain.kernel.rules import choice as choice  # one rule for every context
from domain.kernel.rules import matching, trimmed
from domain.organization.vocabulary import Tier

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ENVIRONMENT_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
ATTRIBUTE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")
PRODUCTION_PREFIX = "production"
MAX_RULES = 100
MAX_VALUES = 1000
MAX_VARIANTS = 50
MAX_EXPIRY = timedelta(days=366)
E = TypeVar("E", bound=StrEnum)


def check_key(key: str) -> str:
    return matching(
        key,
        KEY_PATTERN.fullmatch,
        "A flag key is 1-128 letters, digits, '.', '_' or '-', starting with a letter or "
        "digit; it is unique across Signalbox (OFREP addresses flags by key).",
        code=Code.INVALID_KEY,
        field="key",
    )


def check_segment_key(key: str) -> str:
    return matching(
        key,
        NAME_PATTERN.fullmatch,
        "A segment key is 1-64 lowercase letters, digits, '_' or '-'.",
        code=Code.INVALID_KEY,
        field="key",
    )


def check_name(name: str) -> str:
    return trimmed(
        name, 1, 200, "A name is 1-200 characters.", code=Code.INVALID_NAME, field="name"
    )


def check_environment(environment: str) -> str:
    return matching(
        environment,
        ENVIRONMENT_PATTERN.fullmatch,
        "An environment key is 1-64 lowercase letters, digits, '_' or '-', starting with "
        "a letter (the environment catalog's key, e.g. production-eu).",
        code=Code.INVALID_ENVIRONMENT,
        field="environment",
    )


def is_production(environment: str, marked: bool) -> bool:
    return marked or environment.startswith(PRODUCTION_PREFIX)


def needs_approval(production: bool, tier: str) -> bool:
    """A production change of a critical service's flag waits for someone else's approval."""
    return production and tier == Tier.CRITICAL


def expect_version(seen: int, expected: int | None, what: str) -> None:
    if expected is not None and seen != expected:
        raise VersionConflict(f"{what} changed in the meantime (version {seen}); reload.")


# -- variants ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variant:
    key: str
    value: Any
    description: str = ""


BOOLEAN_VARIANTS = (Variant("on", True), Variant("off", False))


def _fits(value_type: ValueType, value: Any) -> bool:
    match value_type:
        case ValueType.BOOLEAN:
            return isinstance(value, bool)
        case ValueType.STRING:
            return isinstance(value, str)
        case ValueType.NUMBER:
            return isinstance(value, int | float) and not isinstance(value, bool)
        case ValueType.INTEGER:
            return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, dict)


def typed_value(value_type: str, value: Any) -> Any:
    """A variant's value as its flag's type serves it: a NUMBER is always a float (a whole
    number stored as 5 is served as 5.0), every other value as it is. Pure."""
    if value_type == ValueType.NUMBER and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def check_variants(
    value_type: ValueType, variants: Sequence[Variant], default: str | None, off: str | None
) -> tuple[list[Variant], str, str]:
    """Variants (booleans get on/off when none are given), the default and the off variant."""
    if not variants and value_type is ValueType.BOOLEAN:
        variants = BOOLEAN_VARIANTS
    keys = [v.key for v in variants]
    if not 1 <= len(variants) <= MAX_VARIANTS or len(set(keys)) != len(keys):
        raise DomainError(
            f"Give 1-{MAX_VARIANTS} variants with distinct keys.",
            code=Code.INVALID_VARIANTS,
            field="variants",
        )
    for v in variants:
        if not NAME_PATTERN.fullmatch(v.key):
            raise DomainError(
                f"'{v.key}' is not a variant key (1-64 lowercase letters, digits, '_', '-').",
                code=Code.INVALID_VARIANTS,
                field="variants",
            )
        if not _fits(value_type, v.value):
            article = "an" if value_type in (ValueType.INTEGER, ValueType.OBJECT) else "a"
            raise DomainError(
                f"The value of variant '{v.key}' is not {article} {value_type.value}.",
                code=Code.INVALID_VARIANTS,
                field="variants",
            )
    default = default or ("on" if "on" in keys else keys[0])
    off = off or ("off" if "off" in keys else keys[-1])
    for name, field in ((default, "defaultVariant"), (off, "offVariant")):
        if name not in keys:
            raise DomainError(f"No variant '{name}'.", code=Code.UNKNOWN_VARIANT, field=field)
    typed = [Variant(v.key, typed_value(value_type, v.value), v.description) for v in variants]
    return typed, default, off


def variants_to_json(variants: Iterable[Variant]) -> list[dict[str, Any]]:
    return [{"key": v.key, "value": v.value, "description": v.description} for v in variants]


def variants_from_json(items: Iterable[dict[str, Any]]) -> list[Variant]:
    return [Variant(i["key"], i["value"], i.get("description", "")) for i in items]


def check_expiry(
    kind: FlagKind, expires_at: datetime | None, now: datetime, *, created: bool
) -> datetime | None:
    if expires_at is None:
        if kind in TEMPORARY_KINDS:
            raise DomainError(
                f"A {kind.value} flag is temporary: give it an expiry (expiresAt).",
                code=Code.EXPIRY_REQUIRED,
                field="expiresAt",
            )
        return None
    if created and not now < expires_at <= now + MAX_EXPIRY:
        raise DomainError(
            "The expiry lies in the future, at most a year ahead.",
            code=Code.INVALID_EXPIRY,
            field="expiresAt",
        )
    return expires_at


# -- environment state ---------------------------------------------------------------------


def check_conditions(conditions: Sequence[Condition], field: str) -> None:
    for c in conditions:
        if not ATTRIBUTE_PATTERN.fullmatch(c.attribute):
            raise DomainError(
                f"'{c.attribute}' is not an attribute name.",
                code=Code.INVALID_CONDITION,
                field=field,
            )
        op = choice(Operator, c.operator, Code.INVALID_CONDITION, field)
        if op in MULTI_VALUE:
            if not 1 <= len(c.values) <= MAX_VALUES:
                raise DomainError(
                    f"{op} takes 1-{MAX_VALUES} values.", code=Code.INVALID_CONDITION, field=field
                )
            continue
        parse = (
            parse_number
            if op.startswith("NUM_")
            else parse_semver
            if op.startswith("SEMVER_")
            else parse_datetime
        )
        if len(c.values) != 1 or parse(c.values[0]) is None:
            raise DomainError(
                f"{op} compares with exactly one valid value.",
                code=Code.INVALID_CONDITION,
                field=field,
            )


def _check_serve(serve: Serve | None, variants: Collection[str], field: str) -> None:
    if serve is None:
        return
    if serve.split:
        if serve.variant is not None:
            raise DomainError(
                "Serve one variant or a split, not both.", code=Code.INVALID_SPLIT, field=field
            )
        if any(w.weight < 0 for w in serve.split) or sum(w.weight for w in serve.split) <= 0:
            raise DomainError(
                "Split weights are whole numbers ≥ 0 with a positive sum.",
                code=Code.INVALID_SPLIT,
                field=field,
            )
        names = [w.variant for w in serve.split]
    else:
        names = [serve.variant] if serve.variant is not None else []
    for name in names:
        if name not in variants:
            raise DomainError(f"No variant '{name}'.", code=Code.UNKNOWN_VARIANT, field=field)
    _check_stickiness(serve.stickiness, field)


def _check_stickiness(stickiness: str, field: str) -> None:
    if stickiness != DEFAULT_STICKINESS and not ATTRIBUTE_PATTERN.fullmatch(stickiness):
        raise DomainError(
            f"'{stickiness}' is not an attribute to stick to.",
            code=Code.INVALID_ROLLOUT,
            field=field,
        )


def check_state(
    state: EnvironmentState, variants: Collection[str], segments: Collection[str]
) -> EnvironmentState:
    """A state whose variants, segments, conditions, rollouts and splits all make sense."""
    if len(state.rules) > MAX_RULES:
        raise DomainError(f"At most {MAX_RULES} rules.", code=Code.TOO_MANY_RULES, field="rules")
    for rule in state.rules:
        check_conditions(rule.conditions, "rules")
        for name in rule.segments:
            if name not in segments:
                raise DomainError(
                    f"No segment '{name}' for this flag.", code=Code.UNKNOWN_SEGMENT, field="rules"
                )
        if len(rule.user_ids) > MAX_VALUES:
            raise DomainError(
                f"At most {MAX_VALUES} user ids.", code=Code.INVALID_CONDITION, field="rules"
            )
        if rule.rollout is not None:
            if not 0 <= rule.rollout.percentage <= 100:
                raise DomainError(
                    "A rollout percentage is 0-100.", code=Code.INVALID_ROLLOUT, field="rules"
                )
            _check_stickiness(rule.rollout.stickiness, "rules")
        _check_serve(rule.serve, variants, "rules")
    _check_serve(state.default_serve, variants, "defaultServe")
    if state.dark_launch_segment is not None and state.dark_launch_segment not in segments:
        raise DomainError(
            f"No segment '{state.dark_launch_segment}' for this flag.",
            code=Code.UNKNOWN_SEGMENT,
            field="darkLaunchSegment",
        )
    return state


# -- staleness -----------------------------------------------------------------------------


class StaleReason(StrEnum):
    EXPIRED = "expired"
    FULLY_ROLLED_OUT = "fully_rolled_out"
    NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True, slots=True)
class StateFacts:
    state: EnvironmentState
    updated_at: datetime


def fully_on(state: EnvironmentState, default_variant: str) -> bool:
    """On for everyone: enabled, not dark-launched, no rules, serving the default variant."""
    serve = state.default_serve
    return (
        state.enabled
        and not state.dark_launch
        and not state.rules
        and (serve is None or (not serve.split and serve.variant in (None, default_variant)))
    )


def stale_reasons(
    *,
    kind: str,
    created_at: datetime,
    expires_at: datetime | None,
    default_variant: str,
    states: Sequence[StateFacts],
    last_evaluated_at: datetime | None,
    now: datetime,
    rolled_out_for: timedelta,
    unevaluated_for: timedelta,
) -> list[StaleReason]:
    """Why a flag is stale, if it is (see the module docstring)."""
    reasons = []
    temporary = kind in TEMPORARY_KINDS
    if temporary and expires_at is not None and expires_at <= now:
        reasons.append(StaleReason.EXPIRED)
    if (
        temporary
        and states
        and all(fully_on(s.state, default_variant) for s in states)
        and now - max(s.updated_at for s in states) >= rolled_out_for
    ):
        reasons.append(StaleReason.FULLY_ROLLED_OUT)
    if now - (last_evaluated_at or created_at) >= unevaluated_for:
        reasons.append(StaleReason.NOT_EVALUATED)
    return reasons
