"""A flag's environment state between its row, its definition and its history JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.flags.definitions import (
    EnvironmentState,
    rule_to_json,
    rules_from_json,
    serve_from_json,
    serve_to_json,
)


def state_of(row: Any) -> EnvironmentState:
    """The definition of a `flag_environments` row (or of a history entry's JSON object)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return EnvironmentState(
        enabled=bool(get("enabled")),
        rules=rules_from_json(get("rules")),
        default_serve=serve_from_json(get("default_serve")),
        dark_launch=bool(get("dark_launch")),
        dark_launch_segment=get("dark_launch_segment"),
    )


def definition_json(state: EnvironmentState, production: bool) -> dict[str, Any]:
    """The columns of a state, as stored and as shown in the flag's history."""
    return {
        "enabled": state.enabled,
        "production": production,
        "dark_launch": state.dark_launch,
        "dark_launch_segment": state.dark_launch_segment,
        "rules": [rule_to_json(r) for r in state.rules],
        "default_serve": serve_to_json(state.default_serve),
    }


def state_left(after: Mapping[str, Any] | None) -> tuple[bool | None, tuple[int, ...]]:
    """Whether the flag is on, and the sticky rollout percentages rule by rule, in the state a
    change left (its `after`); (None, ()) for a change that sets no single environment's state
    (a kill names several environments; a definition change sets none)."""
    if after is None or "rules" not in after:
        return None, ()
    rules = rules_from_json(after["rules"])
    return bool(after.get("enabled")), tuple(r.rollout.percentage for r in rules if r.rollout)


def state_json(row: Any) -> dict[str, Any]:
    return definition_json(state_of(row), bool(row.production))
