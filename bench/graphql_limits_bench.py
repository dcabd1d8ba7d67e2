"""Validation attacks: graphql-core's rules alone vs Signalbox's limit pass first.

    .venv/bin/python bench/graphql_limits_bench.py [--rounds 5]

Builds the schema with default settings and, for each attack document of issue 14 (a 15 KB
document of repeated fields, 500 duplicated fields, 300 fragments selecting the same fields),
times graphql-core's specified rules alone (what validation cost before the limits) and
`api.graphql.limits.limited_validator` (the limit pass, then the full rules only if it passes),
each on a freshly parsed document so no cache answers. Prints a Markdown table of the medians
and the code each document is refused with.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.graphql.limits import limit_rules, limited_validator
from api.graphql.schema import build_schema
from api.settings import Settings

ATTACKS = {
    "15 KB of repeated fields": "{ about { "
    + " ".join(["name version environment"] * 600)
    + " } }",
    "500 duplicated fields": "{ about { " + "name " * 500 + "} }",
    "300 fragments selecting the same fields": "{ about { "
    + " ".join(f"...A{i}" for i in range(300))
    + " } } "
    + " ".join(f"fragment A{i} on About {{ name version }}" for i in range(300)),
}


def median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    settings = Settings()
    schema = build_schema(settings)._schema
    print("| attack | size | graphql-core's rules alone | limit pass first | refused with |")
    print("| --- | --- | --- | --- | --- |")
    for name, text in ATTACKS.items():
        alone, limited, code = measure(schema, settings, text, rounds)
        print(f"| {name} | {len(text):,} B | {alone:.0f} ms | {limited:.1f} ms | {code} |")


def measure(
    schema: GraphQLSchema, settings: Settings, text: str, rounds: int
) -> tuple[float, float, str]:
    """Medians of both validations of a fresh parse of `text`, and the refusal's code."""
    rules = tuple(specified_rules)
    alone = median_ms(lambda: validate(schema, parse(text), rules), rounds)
    validator = limited_validator(limit_rules(settings))
    errors: list[GraphQLError] = []
    limited = median_ms(lambda: errors.extend(validator(schema, parse(text), rules)), rounds)
    code = str((errors[0].extensions or {}).get("code")) if errors else "nothing"
    return alone, limited, code


if __name__ == "__main__":
    main()
