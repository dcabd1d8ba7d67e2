"""Pure checks of what is declared and recorded about NFRs: bad input gets a stable code."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from domain.kernel.errors import DomainError
from domain.kernel.rules import choice, require, trimmed
from domain.readiness.nfr_commands import NfrInput
from domain.readiness.nfr_errors import NfrErrorCode as Code
from domain.readiness.nfr_rules import STANDARD, DeclaredNfr
from domain.readiness.nfr_vocabulary import Comparison, NfrKind

MAX_NFRS = 50
MAX_FIGURE = 1e12
CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_NAME = 200
MAX_UNIT = 32
MAX_URL = 2000
MAX_VERSION = 128


def check_key(key: str, field: str) -> str:
    """A standard NFR key, or a custom one: lower case, digits and underscores, 2 to 64."""
    value = key.strip()
    require(
        value in STANDARD or bool(CUSTOM_KEY.match(value)),
        f"'{key[:80]}' is neither a standard NFR ({', '.join(STANDARD)}) nor a custom key "
        "(lower case letters, digits and underscores, 2 to 64 characters).",
        code=Code.INVALID_NFR_KEY,
        field=field,
    )
    return value


def check_number(value: float, code: str, field: str, what: str) -> float:
    require(
        math.isfinite(value) and 0 <= value <= MAX_FIGURE,
        f"{what} is a finite number from 0 to {MAX_FIGURE:g}.",
        code=code,
        field=field,
    )
    return float(value)


def _standard(n: NfrInput, key: str) -> DeclaredNfr:
    std = STANDARD[key]
    fixed = (n.unit in (None, std.unit)) and (n.comparison in (None, std.comparison))
    require(
        fixed,
        f"{std.name} is measured in {std.unit}, {std.comparison.replace('_', ' ')} its target.",
        code=Code.STANDARD_NFR_FIXED,
        field="nfrs",
    )
    target = check_number(n.target, Code.INVALID_TARGET, "nfrs", "A target")
    if key == NfrKind.SURVIVES_ZONE_LOSS:
        require(
            target == 1, "Surviving a zone's loss has target 1 (yes).", code=Code.INVALID_TARGET
        )
    return DeclaredNfr(
        key, n.name.strip() if n.name else std.name, std.unit, std.comparison, target
    )


def _custom(n: NfrInput, key: str) -> DeclaredNfr:
    if not (n.name and n.unit and n.comparison):
        raise DomainError(
            f"The custom NFR '{key}' needs a name, a unit and a comparison.",
            code=Code.CUSTOM_NFR_INCOMPLETE,
            field="nfrs",
        )
    name = trimmed(
        n.name,
        1,
        MAX_NAME,
        "A name has 1 to 200 characters.",
        code=Code.CUSTOM_NFR_INCOMPLETE,
        field="nfrs",
    )
    unit = trimmed(
        n.unit, 1, MAX_UNIT, "A unit has 1 to 32 characters.", code=Code.INVALID_UNIT, field="nfrs"
    )
    comparison = choice(Comparison, n.comparison, Code.INVALID_COMPARISON, "nfrs")
    target = check_number(n.target, Code.INVALID_TARGET, "nfrs", "A target")
    return DeclaredNfr(key, name, unit, comparison.value, target)


def check_declared(nfrs: Sequence[NfrInput]) -> list[DeclaredNfr]:
    """The declared set, each checked; one key once; at most MAX_NFRS."""
    require(
        len(nfrs) <= MAX_NFRS,
        f"A service declares at most {MAX_NFRS} NFRs.",
        code=Code.TOO_MANY_NFRS,
        field="nfrs",
    )
    out: dict[str, DeclaredNfr] = {}
    for n in nfrs:
        key = check_key(n.key, "nfrs")
        require(
            key not in out, f"'{key}' is declared twice.", code=Code.DUPLICATE_NFR, field="nfrs"
        )
        out[key] = _standard(n, key) if key in STANDARD else _custom(n, key)
    return list(out.values())


def check_figures(figures: Sequence[tuple[str, float]]) -> dict[str, float]:
    """The figures of a run by NFR key: one to MAX_NFRS, finite, non-negative; surviving a
    zone's loss is 1 (yes) or 0 (no)."""
    require(
        0 < len(figures) <= MAX_NFRS,
        f"A run reports 1 to {MAX_NFRS} figures.",
        code=Code.FIGURES_REQUIRED,
        field="figures",
    )
    out: dict[str, float] = {}
    for key, value in figures:
        k = check_key(key, "figures")
        require(
            k not in out, f"'{k}' is reported twice.", code=Code.INVALID_FIGURE, field="figures"
        )
        out[k] = check_number(value, Code.INVALID_FIGURE, "figures", f"The figure of {k}")
        if k == NfrKind.SURVIVES_ZONE_LOSS:
            require(
                out[k] in (0.0, 1.0),
                "Surviving a zone's loss is reported as 1 (yes) or 0 (no).",
                code=Code.INVALID_FIGURE,
                field="figures",
            )
    return out


def check_run_name(name: str) -> str:
    message = f"A run name has 1 to {MAX_NAME} characters."
    return trimmed(name, 1, MAX_NAME, message, code=Code.INVALID_RUN_NAME, field="name")


def check_version(version: str) -> str:
    message = f"An artifact version has 1 to {MAX_VERSION} characters."
    return trimmed(
        version, 1, MAX_VERSION, message, code=Code.INVALID_VERSION, field="artifactVersion"
    )


def check_url(url: str | None) -> str | None:
    """An absolute http(s) URL of the run's report, or None."""
    if url is None or not url.strip():
        return None
    value = url.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    ok = parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)
    require(
        ok and len(value) <= MAX_URL,
        f"'{url[:200]}' is not an http(s) URL.",
        code=Code.INVALID_RUN_URL,
        field="url",
    )
    return value


def check_finished_at(finished_at: datetime, now: datetime) -> datetime:
    require(
        finished_at.utcoffset() is not None and finished_at <= now,
        "A run is recorded once it has finished: give a past time with a time zone.",
        code=Code.RUN_IN_FUTURE,
        field="finishedAt",
    )
    return finished_at
