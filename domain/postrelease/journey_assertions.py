"""Judging one step's response: its assertions (status, JSONPath values, latency) and the
values it captures for later steps. Pure functions over what the runner observed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonpath

from domain.postrelease.journey_vocabulary import AssertionKind, Operator

MAX_CAPTURED_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Assertion:
    kind: AssertionKind
    operator: Operator
    expected: Any = None
    path: str = ""
    """The JSONPath of a JSON_PATH assertion (empty otherwise)."""

    def describe(self) -> str:
        subject = {
            AssertionKind.STATUS: "status",
            AssertionKind.LATENCY_MS: "latency (ms)",
            AssertionKind.JSON_PATH: self.path,
        }[self.kind]
        if self.operator is Operator.EXISTS:
            return f"{subject} exists"
        return f"{subject} {self.operator.value.replace('_', ' ')} {self.expected!r}"


@dataclass(frozen=True, slots=True)
class Capture:
    name: str
    path: str
    """A JSONPath into the JSON body, or `header:<name>` for a response header."""


@dataclass(frozen=True, slots=True)
class Observed:
    """What the runner saw of one step's response (`error` when there was none to see)."""

    status: int | None
    latency_ms: float
    body: Any = None
    """The JSON body, parsed; None when the body is not JSON."""
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True, slots=True)
class Judged:
    passed: bool
    failures: tuple[str, ...]
    captured: dict[str, str]


def _compare(operator: Operator, actual: Any, expected: Any) -> bool:
    try:
        match operator:
            case Operator.EQUALS:
                return bool(actual == expected)
            case Operator.NOT_EQUALS:
                return bool(actual != expected)
            case Operator.LESS_THAN:
                return bool(actual < expected)
            case Operator.AT_MOST:
                return bool(actual <= expected)
            case Operator.GREATER_THAN:
                return bool(actual > expected)
            case Operator.AT_LEAST:
                return bool(actual >= expected)
            case Operator.CONTAINS:
                return expected in actual
            case Operator.EXISTS:
                return True
    except TypeError:
        return False
    return False


def selected(path: str, body: Any) -> list[Any]:
    """The values a JSONPath selects in a JSON document (none when the body is not JSON)."""
    if body is None:
        return []
    return list(jsonpath.findall(path, body))


def holds(assertion: Assertion, seen: Observed) -> bool:
    """Whether the response satisfies the assertion."""
    if assertion.kind is AssertionKind.STATUS:
        return seen.status is not None and _compare(
            assertion.operator, seen.status, assertion.expected
        )
    if assertion.kind is AssertionKind.LATENCY_MS:
        return _compare(assertion.operator, seen.latency_ms, assertion.expected)
    values = selected(assertion.path, seen.body)
    if assertion.operator is Operator.EXISTS:
        return bool(values)
    # Every selected value must satisfy it: a path selecting nothing asserts nothing true.
    return bool(values) and all(_compare(assertion.operator, v, assertion.expected) for v in values)


def _captured(capture: Capture, seen: Observed) -> str | None:
    if capture.path.lower().startswith("header:"):
        wanted = capture.path.partition(":")[2].strip().lower()
        value = next((v for k, v in seen.headers.items() if k.lower() == wanted), None)
    else:
        found = selected(capture.path, seen.body)
        value = None if not found else found[0]
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text[:MAX_CAPTURED_CHARS]


def judge_step(
    assertions: Sequence[Assertion], captures: Sequence[Capture], seen: Observed
) -> Judged:
    """The step's verdict: passed when the request got a response, every assertion holds and
    every capture found its value; each failure said in words."""
    if seen.error:
        return Judged(False, (seen.error,), {})
    failures = [f"expected {a.describe()}" for a in assertions if not holds(a, seen)]
    captured: dict[str, str] = {}
    for c in captures:
        value = _captured(c, seen)
        if value is None:
            failures.append(f"nothing to capture as {c.name} at {c.path}")
        else:
            captured[c.name] = value
    return Judged(not failures, tuple(failures), captured)
