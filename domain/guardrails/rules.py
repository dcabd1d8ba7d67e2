"""Pure rules of guardrail sets: typed values, tighten-only checks, the effective merge.

A set's values are checked against the catalog (fields.py): known keys, the right type,
numbers within bounds, set members from the field's vocabulary (or valid SPDX licence ids).
BU sets and tier profiles may only tighten the core; the merge core → BU → profile takes,
for every key, the strictest value and remembers which layer set it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from license_expression import (  # type: ignore[import-untyped]
    ExpressionError,
    LicenseSymbol,
    Licensing,
    get_spdx_licensing,
)

from domain.guardrails.errors import GuardrailErrorCode as Code
from domain.guardrails.errors import GuardrailProblems
from domain.guardrails.fields import FIELDS, Field
from domain.guardrails.lattice import Strictness, at_least_as_strict, stricter
from domain.kernel.errors import DomainError

SETS = (Strictness.SUPERSET, Strictness.SUBSET)
NUMBERS = (Strictness.AT_LEAST, Strictness.AT_MOST)
FLAGS = (Strictness.REQUIRE, Strictness.PERMIT)
NOTE_MAX = 2000


# -- values ----------------------------------------------------------------------------------


@cache
def _spdx() -> Licensing:
    return get_spdx_licensing()


def spdx_id(raw: str) -> str | None:
    """The canonical SPDX id of one licence (`mit` → `MIT`, `GPL-2.0` → `GPL-2.0-only`), or
    None when `raw` is not a single known licence (unknown ids and expressions alike)."""
    try:
        parsed = _spdx().parse(raw, validate=True, strict=True)
    except ExpressionError:
        return None
    if not isinstance(parsed, LicenseSymbol):
        return None
    return str(parsed.key)


def nullable(f: Field) -> bool:
    """Only a SUBSET field may be null, meaning "no restriction" (any licence allowed)."""
    return f.strictness is Strictness.SUBSET


def describe(value: Any) -> str:
    """A value as people read it in messages."""
    if value is None:
        return "any"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _invalid(key: str, message: str, code: str = Code.INVALID_GUARDRAIL_VALUE) -> DomainError:
    return DomainError(f"{key}: {message}", code=code, field=key)


def check_value(key: str, value: Any) -> Any:
    """`value` checked against the catalog entry of `key` and normalized (sets sorted, SPDX
    ids canonical); a DomainError naming the key otherwise. None is the caller's concern."""
    f = FIELDS.get(key)
    if f is None:
        raise _invalid(key, "is not a guardrail.", Code.UNKNOWN_GUARDRAIL)
    if f.strictness in NUMBERS:
        return _number(f, value)
    if f.strictness in SETS:
        return _members(f, value)
    if f.strictness in FLAGS:
        if not isinstance(value, bool):
            raise _invalid(key, f"{describe(value)} is not true or false.")
        return value
    if not isinstance(value, str) or value not in (f.members or ()):
        raise _invalid(key, f"{describe(value)} is not one of {describe(f.members)}.")
    return value


def _number(f: Field, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(f.key, f"{describe(value)} is not a whole number.")
    low = f.minimum if f.minimum is not None else value
    high = f.maximum if f.maximum is not None else value
    if not low <= value <= high:
        raise _invalid(f.key, f"{value} is not between {low} and {high}.")
    return value


USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def _members(f: Field, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _invalid(f.key, f"{describe(value)} is not a list of names.")
    if f.members is not None:
        unknown = sorted(set(value) - set(f.members))
        if unknown:
            raise _invalid(
                f.key,
                f"{describe(unknown)} not among {describe(f.members)}.",
                Code.INVALID_GUARDRAIL_VALUE,
            )
        return sorted(set(value))
    if f.names:
        bad = sorted(v for v in value if not USERNAME.match(v))
        if bad:
            raise _invalid(f.key, f"{describe(bad)} not usernames.", Code.INVALID_GUARDRAIL_VALUE)
        return sorted(set(value))
    canonical = {raw: spdx_id(raw) for raw in value}
    bad = sorted(raw for raw, c in canonical.items() if c is None)
    if bad:
        raise _invalid(f.key, f"{describe(bad)} not SPDX licence ids.", Code.INVALID_LICENCE)
    return sorted({c for c in canonical.values() if c is not None})


def apply_changes(
    current: Mapping[str, Any],
    changes: Any,
    *,
    complete: bool,
    core: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The set after `changes` (a JSON object of key → value). In a partial set (BU, profile)
    a null removes the key; in the complete core only a nullable key may be null. With
    `core`, each resulting value is also checked to be at least as strict as the core's.
    Every problem is reported at once (GuardrailProblems), one per key."""
    if not isinstance(changes, Mapping):
        raise DomainError(
            "Values are a JSON object of guardrail key to value.",
            code=Code.INVALID_VALUES,
            field="values",
        )
    out = dict(current)
    problems: list[DomainError] = []
    for key, value in changes.items():
        try:
            if value is None:
                f = FIELDS.get(key)
                if f is None:
                    raise _invalid(key, "is not a guardrail.", Code.UNKNOWN_GUARDRAIL)
                if not complete:
                    out.pop(key, None)
                elif nullable(f):
                    out[key] = None
                else:
                    raise _invalid(key, "the core needs a value here.")
            else:
                out[key] = check_value(key, value)
        except DomainError as exc:
            problems.append(exc)
    problems.extend(contradictions(out))
    if core is not None:
        problems.extend(_looser_problems(out, core))
    if problems:
        raise GuardrailProblems(problems)
    return out


def contradictions(values: Mapping[str, Any]) -> list[DomainError]:
    """A licence both allowed and denied by the same set is a mistake, never a policy."""
    both = sorted(
        set(values.get("allowed_licences") or ()) & set(values.get("denied_licences") or ())
    )
    if not both:
        return []
    return [
        _invalid(
            "allowed_licences",
            f"{describe(both)} also denied by this set.",
            Code.LICENCE_ALLOWED_AND_DENIED,
        )
    ]


def check_note(note: str) -> str:
    """Every saved version says why; the note is kept with it."""
    text = note.strip()
    if not text:
        raise DomainError("Say why the guardrails change.", code=Code.NOTE_REQUIRED, field="note")
    if len(text) > NOTE_MAX:
        raise DomainError(
            f"The note is at most {NOTE_MAX} characters.", code=Code.INVALID_NOTE, field="note"
        )
    return text


# -- tighten only ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Looser:
    """A value of a BU set or profile that is looser than the core's."""

    key: str
    value: Any
    bound: Any

    @property
    def message(self) -> str:
        return (
            f"{self.key}: {describe(self.value)} is looser than the core's {describe(self.bound)}"
        )


def looser_than_core(values: Mapping[str, Any], core: Mapping[str, Any]) -> list[Looser]:
    """Every value of a partial set that the core forbids, in catalog order.

    A set where more members are stricter (SUPERSET) lists the members a BU or profile adds:
    the merge unions it with the core's, so it can never drop one and is never looser, and a
    later core that requires more leaves it valid.
    """
    return [
        Looser(key, values[key], core[key])
        for key, f in FIELDS.items()
        if key in values
        and key in core
        and f.strictness is not Strictness.SUPERSET
        and not at_least_as_strict(f.strictness, values[key], core[key])
    ]


def refuse_looser(values: Mapping[str, Any], core: Mapping[str, Any]) -> None:
    """Refuse a BU set or profile that loosens the core: one problem per value."""
    found = _looser_problems(values, core)
    if found:
        raise GuardrailProblems(found)


def _looser_problems(values: Mapping[str, Any], core: Mapping[str, Any]) -> list[DomainError]:
    return [
        DomainError(f"{v.message}.", code=Code.GUARDRAIL_LOOSER_THAN_CORE, field=v.key)
        for v in looser_than_core(values, core)
    ]


# -- merge -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layer:
    """One set in the merge: `core`, `bu:<bu key>` or `profile:<tier>`, at a version."""

    source: str
    version: int
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Contribution:
    """The members a layer added to a set value (the first layer asking for one gets it)."""

    source: str
    version: int
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Merged:
    value: Any
    source: str
    version: int
    contributions: tuple[Contribution, ...] = ()


def merge(layers: Sequence[Layer]) -> dict[str, Merged]:
    """The strictest value of every key over the layers (the first is the complete core);
    the source of a value is the layer that made it what it is; later equal values keep
    the earlier source."""
    core = layers[0]
    out: dict[str, Merged] = {}
    for key, f in FIELDS.items():
        if key not in core.values:
            continue
        kind = f.strictness
        current = Merged(_plain(core.values[key]), core.source, core.version)
        contributions = (
            [_contribution(core, core.values[key], None)] if kind is Strictness.SUPERSET else []
        )
        for layer in layers[1:]:
            if key not in layer.values:
                continue
            value = stricter(kind, current.value, layer.values[key])
            if kind is Strictness.SUPERSET:
                contributions.append(_contribution(layer, layer.values[key], current.value))
            if not _same(kind, value, current.value):
                current = Merged(_plain(value), layer.source, layer.version)
        out[key] = Merged(
            current.value,
            current.source,
            current.version,
            tuple(c for c in contributions if c.members),
        )
    return out


def _contribution(layer: Layer, value: Any, before: Any) -> Contribution:
    added = set(value) - set(before or ())
    return Contribution(layer.source, layer.version, tuple(sorted(added)))


def _same(kind: Strictness, a: Any, b: Any) -> bool:
    if kind in SETS:
        return (None if a is None else frozenset(a)) == (None if b is None else frozenset(b))
    return bool(a == b)


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, list | tuple | set | frozenset) else value
