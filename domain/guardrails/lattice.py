"""Which of two guardrail values is stricter: the order every tighten-only rule rests on.

Pure functions over plain values. Each field has a `Strictness`; for every kind the stricter
of two values is at least as strict as both, so merging layers can only tighten.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any

from domain.guardrails.vocabulary import RISK_ORDER


class Strictness(StrEnum):
    AT_LEAST = "at_least"
    """A number where higher is stricter (minimum approvers, minimum coverage)."""
    AT_MOST = "at_most"
    """A number where lower is stricter (open critical vulnerabilities, bypass hours)."""
    SUPERSET = "superset"
    """A set where more members are stricter (required disciplines, denied licences)."""
    SUBSET = "subset"
    """A set where fewer members are stricter (allowed licences); None means "any"."""
    REQUIRE = "require"
    """A flag where True is stricter (pipeline drift blocks)."""
    PERMIT = "permit"
    """A flag where False is stricter (freeze exceptions allowed)."""
    LEVEL_AT_MOST = "level_at_most"
    """A risk level where lower is stricter (a board decision from this level up)."""


def at_least_as_strict(kind: Strictness, candidate: Any, bound: Any) -> bool:
    """Whether `candidate` is as strict as `bound` or stricter."""
    match kind:
        case Strictness.AT_LEAST:
            return bool(candidate >= bound)
        case Strictness.AT_MOST:
            return bool(candidate <= bound)
        case Strictness.SUPERSET:
            return set(candidate) >= set(bound)
        case Strictness.SUBSET:
            if bound is None:
                return True
            return candidate is not None and set(candidate) <= set(bound)
        case Strictness.REQUIRE:
            return bool(candidate) or not bound
        case Strictness.PERMIT:
            return not candidate or bool(bound)
        case Strictness.LEVEL_AT_MOST:
            return RISK_ORDER[candidate] <= RISK_ORDER[bound]
    raise ValueError(f"unknown strictness {kind}")  # pragma: no cover


def stricter(kind: Strictness, a: Any, b: Any) -> Any:
    """The strictest value that both `a` and `b` allow (sets combine; scalars pick one)."""
    match kind:
        case Strictness.SUPERSET:
            return sorted(set(a) | set(b))
        case Strictness.SUBSET:
            if a is None:
                return None if b is None else sorted(b)
            if b is None:
                return sorted(a)
            return sorted(set(a) & set(b))
        case _:
            return b if at_least_as_strict(kind, b, a) and not _equal(kind, a, b) else a


def _equal(kind: Strictness, a: Any, b: Any) -> bool:
    if kind in (Strictness.SUPERSET, Strictness.SUBSET):
        return _as_set(a) == _as_set(b)
    return bool(a == b)


def _as_set(value: Collection[Any] | None) -> frozenset[Any] | None:
    return None if value is None else frozenset(value)
