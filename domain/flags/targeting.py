"""The evaluation context and targeting conditions, compiled once into predicates.

Operators follow Unleash's constraint semantics so that its client-specification cases hold:
a missing attribute fails every operator except NOT_IN; `negate` inverts the result (missing
attribute included); numbers, versions and dates that do not parse fail the condition;
an unknown operator never matches (fail closed). The attribute `currentTime` defaults to the
evaluation time, so DATE_AFTER/DATE_BEFORE work without the caller sending a clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.flags.definitions import Condition, Operator

TARGETING_KEY = "targetingKey"
CURRENT_TIME = "currentTime"


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """Who is asking: the targeting key (a user id, usually) and string attributes."""

    targeting_key: str | None
    attributes: Mapping[str, str]
    now: datetime

    def get(self, name: str) -> str | None:
        if name == TARGETING_KEY:
            return self.targeting_key
        return self.attributes.get(name)


def context_from(
    targeting_key: str | None, attributes: Mapping[str, Any], now: datetime
) -> EvaluationContext:
    """A context from JSON-ish attributes: scalars become strings, nested values are ignored."""
    out: dict[str, str] = {}
    for name, value in attributes.items():
        text = attribute_text(value)
        if text is not None:
            out[name] = text
    return EvaluationContext(targeting_key, out, now)


def attribute_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 3.0 reads as "3", as JSON clients write it
    if isinstance(value, int | float):
        return str(value)
    return None


Predicate = Callable[[EvaluationContext], bool]

_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_IDENT = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
_SEMVER = re.compile(
    rf"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-({_IDENT}(?:\.{_IDENT})*))?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$"
)

SemverKey = tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]


def parse_number(text: str | None) -> float | None:
    if text is None or not _NUMBER.match(text):
        return None
    return float(text)


def parse_semver(text: str | None) -> SemverKey | None:
    """A sort key with SemVer 2.0 precedence (a pre-release sorts before its release)."""
    if text is None:
        return None
    m = _SEMVER.match(text.strip())
    if m is None:
        return None
    major, minor, patch, pre = int(m[1]), int(m[2]), int(m[3]), m[4]
    if pre is None:
        return (major, minor, patch, 1, ())
    parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre.split("."))
    return (major, minor, patch, 0, parts)


def parse_datetime(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _never(_ctx: EvaluationContext) -> bool:
    return False


def compile_condition(c: Condition) -> Predicate:
    """The condition as a predicate; invalid ones (unknown operator, bad value) never match."""
    try:
        op = Operator(c.operator)
    except ValueError:
        return _never
    base = _compile(op, c)
    if not c.negate:
        return base
    return lambda ctx: not base(ctx)


def _compile(op: Operator, c: Condition) -> Predicate:
    attr, ci = c.attribute, c.case_insensitive
    if op in (Operator.IN, Operator.NOT_IN):
        members = frozenset(v.lower() for v in c.values) if ci else frozenset(c.values)
        wanted = op is Operator.IN

        def member(ctx: EvaluationContext) -> bool:
            v = ctx.get(attr)
            found = v is not None and (v.lower() if ci else v) in members
            return found is wanted

        return member
    if op in (Operator.STR_STARTS_WITH, Operator.STR_ENDS_WITH, Operator.STR_CONTAINS):
        needles = tuple(v.lower() for v in c.values) if ci else c.values
        test = _STRING_TESTS[op]

        def text(ctx: EvaluationContext) -> bool:
            v = ctx.get(attr)
            if v is None:
                return False
            hay = v.lower() if ci else v
            return any(test(hay, n) for n in needles)

        return text
    target_text = c.values[0] if c.values else None
    if op.startswith("NUM_"):
        number = parse_number(target_text)
        if number is None:
            return _never
        cmp = _COMPARE[op.removeprefix("NUM_")]
        return lambda ctx: (v := parse_number(ctx.get(attr))) is not None and cmp(v, number)
    if op.startswith("SEMVER_"):
        version = parse_semver(target_text)
        if version is None:
            return _never
        vcmp = _COMPARE[op.removeprefix("SEMVER_")]
        return lambda ctx: (v := parse_semver(ctx.get(attr))) is not None and vcmp(v, version)
    moment = parse_datetime(target_text)
    if moment is None:
        return _never
    after = op is Operator.DATE_AFTER

    def dated(ctx: EvaluationContext) -> bool:
        raw = ctx.get(attr)
        at = ctx.now if raw is None and attr == CURRENT_TIME else parse_datetime(raw)
        if at is None:
            return False
        return at > moment if after else at < moment

    return dated


_STRING_TESTS: dict[Operator, Callable[[str, str], bool]] = {
    Operator.STR_STARTS_WITH: str.startswith,
    Operator.STR_ENDS_WITH: str.endswith,
    Operator.STR_CONTAINS: str.__contains__,
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "EQ": lambda a, b: a == b,
    "GT": lambda a, b: a > b,
    "GTE": lambda a, b: a >= b,
    "LT": lambda a, b: a < b,
    "LTE": lambda a, b: a <= b,
}
