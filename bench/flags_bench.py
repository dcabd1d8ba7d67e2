"""Flag evaluation throughput: the pure evaluator over a compiled snapshot, on one core.

Run: .venv/bin/python bench/flags_bench.py [--flags 500] [--contexts 20000] [--repeat 5]

Builds one environment's snapshot in memory (no database: `build_snapshot` over rows shaped
like the repository's) with a realistic mix of flags: a third on without rules (STATIC), a
quarter with a percentage rollout, a fifth targeted by attribute conditions and a segment,
a tenth with a weighted three-way split, the rest dark-launched to an internal segment or
off. Then measures, single-threaded (one core):

- single: one flag per call, contexts built from JSON-ish attributes as the OFREP endpoint
  does (`context_from` included), cycling through the flags;
- bulk: every flag for one context (`evaluate_all`, as the bulk endpoint), per context.

Prints evaluations per second (best of --repeat runs) and a table for bench/README.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import table
from domain.flags.definitions import (
    Condition,
    EnvironmentState,
    Rollout,
    Rule,
    Serve,
    WeightedVariant,
    condition_to_json,
)
from domain.flags.evaluation import evaluate
from domain.flags.snapshots import build_snapshot, evaluate_all
from domain.flags.states import definition_json
from domain.flags.targeting import context_from
from domain.kernel.access import Scope

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
BU = uuid.uuid4()
VARIANTS = [
    {"key": "on", "value": True},
    {"key": "off", "value": False},
    {"key": "a", "value": True},
    {"key": "b", "value": True},
    {"key": "c", "value": False},
]
INTERNAL = [Condition("email", "STR_ENDS_WITH", ("@bank.example",), case_insensitive=True)]
BETA = [Condition("plan", "IN", ("gold", "platinum")), Condition("country", "IN", ("NL", "BE"))]


def state_for(n: int) -> EnvironmentState | None:
    kind = n % 20
    if kind < 7:
        return EnvironmentState(True)
    if kind < 12:
        return EnvironmentState(True, (Rule(rollout=Rollout(10 + n % 80)),))
    if kind < 16:
        return EnvironmentState(
            True,
            (
                Rule(user_ids=("vip-1", "vip-2"), serve=Serve("a")),
                Rule(
                    conditions=(
                        Condition("appVersion", "SEMVER_GTE", ("2.3.0",)),
                        *BETA,
                    ),
                    segments=("internal",),
                ),
                Rule(conditions=tuple(BETA), rollout=Rollout(50)),
            ),
        )
    if kind < 18:
        split = Serve(
            split=(WeightedVariant("a", 50), WeightedVariant("b", 30), WeightedVariant("c", 20))
        )
        return EnvironmentState(True, default_serve=split)
    if kind < 19:
        return EnvironmentState(True, dark_launch=True, dark_launch_segment="internal")
    return None


def rows(count: int) -> tuple[list[Any], list[Any]]:
    flags = []
    for n in range(count):
        state = state_for(n)
        columns = definition_json(state, False) if state else {}
        flags.append(
            SimpleNamespace(
                id=uuid.uuid4(),
                key=f"flag-{n:05d}",
                bu_id=BU,
                service_key="checkout",
                kind="release",
                value_type="boolean",
                variants=VARIANTS,
                default_variant="on",
                off_variant="off",
                state_id=uuid.uuid4() if state else None,
                **columns,
            )
        )
    segments = [
        SimpleNamespace(
            key="internal", bu_id=None, conditions=[condition_to_json(c) for c in INTERNAL]
        )
    ]
    return flags, segments


def contexts(count: int) -> list[tuple[str, dict[str, Any]]]:
    rnd = random.Random(7)
    out = []
    for n in range(count):
        attributes = {
            "email": f"user{n}@{rnd.choice(['mail.example', 'bank.example', 'web.example'])}",
            "plan": rnd.choice(["free", "gold", "platinum"]),
            "country": rnd.choice(["NL", "BE", "DE", "FR"]),
            "appVersion": rnd.choice(["2.1.0", "2.3.1", "3.0.0-rc.1"]),
            "sessionId": f"s-{rnd.getrandbits(32)}",
        }
        out.append((f"user-{n}", attributes))
    return out


def bench_single(snapshot: Any, ctxs: list[tuple[str, dict[str, Any]]]) -> float:
    flags = [f.compiled for f in snapshot.flags.values()]
    size = len(flags)
    started = time.perf_counter()
    for i, (key, attributes) in enumerate(ctxs):
        evaluate(flags[i % size], context_from(key, attributes, NOW))
    return len(ctxs) / (time.perf_counter() - started)


def bench_bulk(
    snapshot: Any, ctxs: list[tuple[str, dict[str, Any]]], scope: Scope
) -> tuple[float, float]:
    sample = ctxs[: max(1, len(ctxs) // 50)]
    started = time.perf_counter()
    total = 0
    for key, attributes in sample:
        total += len(evaluate_all(snapshot, scope, context_from(key, attributes, NOW)))
    elapsed = time.perf_counter() - started
    return total / elapsed, len(sample) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flags", type=int, default=500)
    parser.add_argument("--contexts", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    flag_rows, segment_rows = rows(args.flags)
    started = time.perf_counter()
    snapshot = build_snapshot("production-eu", 1, flag_rows, segment_rows)
    build_ms = (time.perf_counter() - started) * 1000
    ctxs = contexts(args.contexts)
    scopes = {"org-wide": Scope(everywhere=True), "one BU": Scope(False, frozenset({BU}))}
    single = max(bench_single(snapshot, ctxs) for _ in range(args.repeat))
    bulk = {
        name: max((bench_bulk(snapshot, ctxs, s) for _ in range(args.repeat)), key=lambda x: x[0])
        for name, s in scopes.items()
    }
    print(f"Python {platform.python_version()} on {platform.machine()}, one core")
    print(f"snapshot of {args.flags} flags built in {build_ms:.1f} ms")
    header = ["mode", "flags per call", "evaluations/s", "calls/s"]
    body = [["single (context built per call)", "1", f"{single:,.0f}", f"{single:,.0f}"]]
    for name, (evals, calls) in bulk.items():
        body.append([f"bulk, scope {name}", str(args.flags), f"{evals:,.0f}", f"{calls:,.0f}"])
    print(table(header, body))


if __name__ == "__main__":
    main()
