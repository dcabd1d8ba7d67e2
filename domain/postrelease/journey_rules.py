"""Rules of synthetic journeys: a journey's definition checked step by step, its targets held
to the service's allowed hosts (and, outside development, away from internal addresses, by the
webhooks' own URL check), and when a failing run is a functional regression that rolls back.
Pure functions over plain values."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import jsonpath
from jsonpath.exceptions import JSONPathError

from domain.kernel.errors import DomainError
from domain.kernel.rules import choice, require, trimmed, within
from domain.organization.vocabulary import Tier
from domain.postrelease import journey_targets as targets
from domain.postrelease import journey_templates as templates
from domain.postrelease.journey_assertions import Assertion, Capture
from domain.postrelease.journey_commands import AssertionSpec, HeaderSpec, StepSpec
from domain.postrelease.journey_errors import JourneyErrorCode as Code
from domain.postrelease.journey_vocabulary import (
    AssertionKind,
    HttpMethod,
    Operator,
    RunOutcome,
)

GUARDRAIL = "journey_regression_rollback"
"""The guardrail field: the journey tiers whose functional regression rolls the deployment
back (none: regressions are recorded and shown, never acted on)."""
KEY = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")
MAX_STEPS = 20
MAX_HEADERS = 20
MAX_HEADER_VALUE = 4000
MAX_BODY = 65_536
MAX_ASSERTIONS = 20
MAX_CAPTURES = 10
MIN_TIMEOUT_MS, MAX_TIMEOUT_MS = 100, 30_000
MIN_INTERVAL, MAX_INTERVAL = 5, 1440
MAX_JOURNEY_SECONDS = 120.0
"""A whole journey is cut off after this, whatever its steps' timeouts add up to."""
NUMERIC = (AssertionKind.STATUS, AssertionKind.LATENCY_MS)
ORDERED = (Operator.LESS_THAN, Operator.AT_MOST, Operator.GREATER_THAN, Operator.AT_LEAST)
Seal = Callable[[str], str]


def check_key(key: str) -> str:
    key = key.strip()
    require(
        KEY.fullmatch(key) is not None,
        "A journey key is 2 to 63 lower-case letters, digits and dashes (checkout, sign-in).",
        code=Code.INVALID_JOURNEY_KEY,
        field="key",
    )
    return key


def check_name(name: str) -> str:
    message = "A journey's name is 1 to 200 characters."
    return trimmed(name, 1, 200, message, code=Code.INVALID_JOURNEY_NAME, field="name")


def check_tier(tier: str) -> Tier:
    return choice(Tier, tier, Code.INVALID_TIER, "tier")


def check_interval(minutes: int) -> int:
    message = f"A journey runs every {MIN_INTERVAL} to {MAX_INTERVAL} minutes."
    return within(
        minutes, MIN_INTERVAL, MAX_INTERVAL, message, code=Code.INVALID_INTERVAL, field="interval"
    )


def _header(h: HeaderSpec, kept: Mapping[str, str], seal: Seal, where: str) -> dict[str, str]:
    require(
        HEADER_NAME.fullmatch(h.name) is not None,
        f"{h.name[:100]!r} is not a header name.",
        code=Code.INVALID_HEADER,
        field=f"{where}.headers",
    )
    if h.secret and h.value is None:
        sealed = kept.get(h.name.lower())
        require(
            sealed is not None,
            f"The secret header {h.name} needs its value (none is kept for it).",
            code=Code.SECRET_VALUE_REQUIRED,
            field=f"{where}.headers",
        )
        return {"name": h.name, "sealed": str(sealed)}
    value = h.value or ""
    require(
        len(value) <= MAX_HEADER_VALUE and not any(c in value for c in "\r\n\x00"),
        f"The value of {h.name} is at most {MAX_HEADER_VALUE} characters on one line.",
        code=Code.INVALID_HEADER,
        field=f"{where}.headers",
    )
    if h.secret:
        require(
            bool(value),
            f"The secret header {h.name} needs a value.",
            code=Code.SECRET_VALUE_REQUIRED,
            field=f"{where}.headers",
        )
        return {"name": h.name, "sealed": seal(value)}
    return {"name": h.name, "value": value}


def check_assertion(a: AssertionSpec, where: str) -> Assertion:
    kind = choice(AssertionKind, a.kind, Code.INVALID_ASSERTION, f"{where}.assertions")
    op = choice(Operator, a.operator, Code.INVALID_ASSERTION, f"{where}.assertions")

    def refuse(why: str) -> DomainError:
        return DomainError(why, code=Code.INVALID_ASSERTION, field=f"{where}.assertions")

    if kind is AssertionKind.JSON_PATH:
        check_path(a.path, f"{where}.assertions")
    elif a.path:
        raise refuse("Only a json_path assertion has a path.")
    if op is Operator.EXISTS:
        if kind is not AssertionKind.JSON_PATH:
            raise refuse("Only a json_path assertion asks whether a value exists.")
        return Assertion(kind, op, None, a.path)
    number = isinstance(a.expected, int | float) and not isinstance(a.expected, bool)
    if kind in NUMERIC and (not number or op in (Operator.CONTAINS,)):
        raise refuse(f"A {kind.value} assertion compares with a number.")
    if op in ORDERED and not (number or isinstance(a.expected, str)):
        raise refuse(f"{op.value} compares with a number or a text.")
    if len(json.dumps(a.expected)) > MAX_HEADER_VALUE:
        raise refuse(f"An expected value is at most {MAX_HEADER_VALUE} characters of JSON.")
    return Assertion(kind, op, a.expected, a.path)


def check_path(path: str, field: str) -> str:
    code = Code.INVALID_JSON_PATH
    require(
        path.startswith("$") and len(path) <= 500,
        "A JSONPath starts with $.",
        code=code,
        field=field,
    )
    try:
        jsonpath.compile(path)
    except JSONPathError as exc:
        raise DomainError(
            f"{path[:100]!r} is not a JSONPath: {exc}", code=code, field=field
        ) from None
    return path


def _capture(name: str, path: str, where: str) -> Capture:
    field = f"{where}.captures"
    require(
        templates.NAME.fullmatch(name) is not None,
        f"{name[:100]!r} is not a name to carry (letters, digits, underscores).",
        code=Code.INVALID_CAPTURE,
        field=field,
    )
    if path.lower().startswith("header:"):
        header = path.partition(":")[2].strip()
        require(
            HEADER_NAME.fullmatch(header) is not None,
            f"{path[:100]!r} names no header.",
            code=Code.INVALID_CAPTURE,
            field=field,
        )
    else:
        check_path(path, field)
    return Capture(name, path)


def _kept_secrets(previous: Sequence[Mapping[str, Any]], index: int) -> dict[str, str]:
    """The sealed header values of the step at `index` of the journey's previous version."""
    if index >= len(previous):
        return {}
    return {
        str(h["name"]).lower(): str(h["sealed"])
        for h in previous[index].get("headers", [])
        if "sealed" in h
    }


def check_step(
    s: StepSpec,
    where: str,
    hosts: Collection[str],
    *,
    development: bool,
    kept: Mapping[str, str],
    seal: Seal,
) -> dict[str, Any]:
    """One step as stored: its secret header values sealed, never in the clear."""
    require(
        1 <= len(s.name.strip()) <= 200,
        "A step's name is 1 to 200 characters.",
        code=Code.INVALID_STEP,
        field=f"{where}.name",
    )
    method = choice(HttpMethod, s.method.upper(), Code.INVALID_METHOD, f"{where}.method")
    url = targets.step_url(s.url, hosts, development, where)
    require(
        len(s.headers) <= MAX_HEADERS,
        f"A step sends at most {MAX_HEADERS} headers.",
        code=Code.INVALID_HEADER,
        field=f"{where}.headers",
    )
    require(
        s.body is None or len(s.body) <= MAX_BODY,
        f"A step's body is at most {MAX_BODY} characters.",
        code=Code.INVALID_BODY,
        field=f"{where}.body",
    )
    require(
        len(s.assertions) <= MAX_ASSERTIONS and len(s.captures) <= MAX_CAPTURES,
        f"A step has at most {MAX_ASSERTIONS} assertions and {MAX_CAPTURES} captures.",
        code=Code.INVALID_STEP,
        field=where,
    )
    timeout = within(
        s.timeout_ms,
        MIN_TIMEOUT_MS,
        MAX_TIMEOUT_MS,
        f"A step's timeout is {MIN_TIMEOUT_MS} to {MAX_TIMEOUT_MS} ms.",
        code=Code.INVALID_TIMEOUT,
        field=f"{where}.timeoutMs",
    )
    return {
        "name": s.name.strip(),
        "method": method.value,
        "url": url,
        "headers": [_header(h, kept, seal, where) for h in s.headers],
        "body": s.body,
        "assertions": [_assertion_json(check_assertion(a, where)) for a in s.assertions],
        "captures": [
            {"name": c.name, "path": c.path}
            for c in (_capture(c.name, c.path, where) for c in s.captures)
        ],
        "timeoutMs": timeout,
    }


def _assertion_json(a: Assertion) -> dict[str, Any]:
    return {
        "kind": a.kind.value,
        "operator": a.operator.value,
        "expected": a.expected,
        "path": a.path,
    }


def check_steps(
    steps: Sequence[StepSpec],
    hosts: Collection[str],
    *,
    development: bool,
    seal: Seal,
    previous: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """The journey's steps as stored, in order; a value carried into a step must be captured
    by an earlier one."""
    require(bool(steps), "A journey has at least one step.", code=Code.NO_STEPS, field="steps")
    require(
        len(steps) <= MAX_STEPS,
        f"A journey has at most {MAX_STEPS} steps.",
        code=Code.TOO_MANY_STEPS,
        field="steps",
    )
    known: set[str] = set()
    out = []
    for i, s in enumerate(steps):
        where = f"steps[{i}]"
        kept = _kept_secrets(previous, i)
        step = check_step(s, where, hosts, development=development, kept=kept, seal=seal)
        plain = [step["url"], s.body or ""] + [h.get("value", "") for h in step["headers"]]
        missing = templates.unknown(plain, known)
        require(
            not missing,
            f"{where} uses {', '.join(missing)}, which no earlier step captures.",
            code=Code.UNKNOWN_VARIABLE,
            field=where,
        )
        known |= {c["name"] for c in step["captures"]}
        out.append(step)
    return out


def assertions_of(step: Mapping[str, Any]) -> list[Assertion]:
    return [
        Assertion(AssertionKind(a["kind"]), Operator(a["operator"]), a["expected"], a["path"])
        for a in step.get("assertions", [])
    ]


def captures_of(step: Mapping[str, Any]) -> list[Capture]:
    return [Capture(c["name"], c["path"]) for c in step.get("captures", [])]


def is_regression(baseline: RunOutcome | None, after: RunOutcome) -> bool:
    """A journey that passed before the deployment and fails after it."""
    return baseline is RunOutcome.PASSED and after is RunOutcome.FAILED


def rolls_back(rollback_tiers: Collection[str], journey_tier: str) -> bool:
    """Whether a functional regression of a journey of this tier rolls its deployment back,
    under the service's guardrail."""
    return journey_tier in set(rollback_tiers)
