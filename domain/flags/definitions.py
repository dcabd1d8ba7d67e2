"""What a flag is in one environment, as plain immutable values, and their stored JSON form.

A flag has variants (key → JSON value), a default variant (served when it is on and nothing
more specific applies) and an off variant. Its state in an environment is:

- `enabled`: off serves the off variant (reason DISABLED), everywhere in that environment;
- `dark_launch`: code deployed, exposure zero: everybody gets the off variant, except contexts
  matching `dark_launch_segment` (internal users), who get the default variant; rules are
  ignored while dark-launched;
- `rules`, in order, first match wins: every condition holds, every segment matches, the
  targeting key is among `user_ids` (when any are given), and the context falls in the
  `rollout` percentage (when given). A matching rule serves its `serve`, or the environment's
  `default_serve`. When rules exist and none matches, the off variant is served (DEFAULT);
- `default_serve`: what an enabled environment without rules serves; a single variant or a
  weighted split; the default variant when unset.

The JSON form (snake_case keys) is what the `flag_environments` and `flag_segments` tables
store; `*_from_json` validate nothing (rules.py does that on the way in) but tolerate the
absence of optional keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Operator(StrEnum):
    IN = "IN"
    NOT_IN = "NOT_IN"
    STR_STARTS_WITH = "STR_STARTS_WITH"
    STR_ENDS_WITH = "STR_ENDS_WITH"
    STR_CONTAINS = "STR_CONTAINS"
    NUM_EQ = "NUM_EQ"
    NUM_GT = "NUM_GT"
    NUM_GTE = "NUM_GTE"
    NUM_LT = "NUM_LT"
    NUM_LTE = "NUM_LTE"
    SEMVER_EQ = "SEMVER_EQ"
    SEMVER_GT = "SEMVER_GT"
    SEMVER_GTE = "SEMVER_GTE"
    SEMVER_LT = "SEMVER_LT"
    SEMVER_LTE = "SEMVER_LTE"
    DATE_AFTER = "DATE_AFTER"
    DATE_BEFORE = "DATE_BEFORE"


MULTI_VALUE = frozenset(
    {
        Operator.IN,
        Operator.NOT_IN,
        Operator.STR_STARTS_WITH,
        Operator.STR_ENDS_WITH,
        Operator.STR_CONTAINS,
    }
)
"""Operators over a list of values; every other operator compares with exactly one value."""

DEFAULT_STICKINESS = "default"
"""Bucket on the targeting key, else the `sessionId` attribute."""


@dataclass(frozen=True, slots=True)
class Condition:
    attribute: str
    operator: str
    values: tuple[str, ...] = ()
    negate: bool = False
    case_insensitive: bool = False


@dataclass(frozen=True, slots=True)
class Rollout:
    """A sticky percentage: murmur3_32(f"{group_id}:{id}", seed 0) % 100 + 1 <= percentage."""

    percentage: int
    stickiness: str = DEFAULT_STICKINESS
    group_id: str | None = None
    """Defaults to the flag key, so one user lands in the same bucket in every environment."""


@dataclass(frozen=True, slots=True)
class WeightedVariant:
    variant: str
    weight: int


@dataclass(frozen=True, slots=True)
class Serve:
    """One variant, or a weighted split of variants (Unleash's variant weights)."""

    variant: str | None = None
    split: tuple[WeightedVariant, ...] = ()
    stickiness: str = DEFAULT_STICKINESS
    group_id: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    conditions: tuple[Condition, ...] = ()
    segments: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()
    rollout: Rollout | None = None
    serve: Serve | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class EnvironmentState:
    enabled: bool
    rules: tuple[Rule, ...] = ()
    default_serve: Serve | None = None
    dark_launch: bool = False
    dark_launch_segment: str | None = None


@dataclass(frozen=True, slots=True)
class FlagDefinition:
    """Everything evaluation needs to know of one flag in one environment."""

    key: str
    variants: Mapping[str, Any]
    default_variant: str
    off_variant: str
    state: EnvironmentState | None
    metadata: Mapping[str, str | bool | float] = field(default_factory=dict)


# -- stored JSON ------------------------------------------------------------------------------


def condition_to_json(c: Condition) -> dict[str, Any]:
    return {
        "attribute": c.attribute,
        "operator": c.operator,
        "values": list(c.values),
        "negate": c.negate,
        "case_insensitive": c.case_insensitive,
    }


def condition_from_json(d: Mapping[str, Any]) -> Condition:
    return Condition(
        attribute=str(d["attribute"]),
        operator=str(d["operator"]),
        values=tuple(str(v) for v in d.get("values", ())),
        negate=bool(d.get("negate", False)),
        case_insensitive=bool(d.get("case_insensitive", False)),
    )


def conditions_from_json(items: Sequence[Mapping[str, Any]] | None) -> tuple[Condition, ...]:
    return tuple(condition_from_json(c) for c in items or ())


def serve_to_json(s: Serve | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "variant": s.variant,
        "split": [{"variant": w.variant, "weight": w.weight} for w in s.split],
        "stickiness": s.stickiness,
        "group_id": s.group_id,
    }


def serve_from_json(d: Mapping[str, Any] | None) -> Serve | None:
    if d is None:
        return None
    return Serve(
        variant=d.get("variant"),
        split=tuple(
            WeightedVariant(str(w["variant"]), int(w["weight"])) for w in d.get("split") or ()
        ),
        stickiness=str(d.get("stickiness") or DEFAULT_STICKINESS),
        group_id=d.get("group_id"),
    )


def rule_to_json(r: Rule) -> dict[str, Any]:
    return {
        "description": r.description,
        "conditions": [condition_to_json(c) for c in r.conditions],
        "segments": list(r.segments),
        "user_ids": list(r.user_ids),
        "rollout": None
        if r.rollout is None
        else {
            "percentage": r.rollout.percentage,
            "stickiness": r.rollout.stickiness,
            "group_id": r.rollout.group_id,
        },
        "serve": serve_to_json(r.serve),
    }


def rule_from_json(d: Mapping[str, Any]) -> Rule:
    rollout = d.get("rollout")
    return Rule(
        conditions=conditions_from_json(d.get("conditions")),
        segments=tuple(str(s) for s in d.get("segments") or ()),
        user_ids=tuple(str(u) for u in d.get("user_ids") or ()),
        rollout=None
        if rollout is None
        else Rollout(
            percentage=int(rollout["percentage"]),
            stickiness=str(rollout.get("stickiness") or DEFAULT_STICKINESS),
            group_id=rollout.get("group_id"),
        ),
        serve=serve_from_json(d.get("serve")),
        description=str(d.get("description", "")),
    )


def rules_from_json(items: Sequence[Mapping[str, Any]] | None) -> tuple[Rule, ...]:
    return tuple(rule_from_json(r) for r in items or ())
