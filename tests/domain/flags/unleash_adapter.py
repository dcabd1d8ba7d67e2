"""Maps an Unleash client-features state onto Signalbox flag definitions, and Signalbox's
resolutions back onto Unleash's answers, so the Unleash client-specification cases run through
Signalbox's own pure evaluator.

Mapping:

- a feature becomes a flag with variants `on` (true) and `off` (false) plus one variant per
  Unleash variant (value `{"name", "payload"}`), namespaced so strategy and feature variants
  never collide; `enabled` is the environment's `enabled`;
- a strategy becomes a rule (first match wins, as Unleash's first enabled strategy wins):
  `default` → no rollout; `userWithId` → `user_ids`; `gradualRolloutUserId` /
  `gradualRolloutSessionId` / `flexibleRollout` → a rollout with that stickiness and groupId;
  `gradualRolloutRandom` → a rollout only at 0 or 100%; constraints → conditions (`inverted` →
  `negate`, `caseInsensitive`, `value` → one-element `values`); segments → segments;
- strategy variants → the rule's split (stickiness and groupId of the strategy); feature
  variants → the environment's default split (group: the feature name); variant overrides →
  rules of their own, placed before the rule they refine;
- no strategies → no rules (Unleash: enabled for everyone).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.flags.definitions import (
    DEFAULT_STICKINESS,
    Condition,
    EnvironmentState,
    FlagDefinition,
    Rollout,
    Rule,
    Serve,
    WeightedVariant,
)
from domain.flags.evaluation import CompiledFlag, Resolution, compile_segments, evaluate
from domain.flags.targeting import EvaluationContext, attribute_text

ON, OFF = "on", "off"
UNLEASH_CONTEXT_FIELDS = ("userId", "sessionId", "remoteAddress", "environment", "appName")
SUPPORTED_OPERATORS = {
    "IN", "NOT_IN", "STR_STARTS_WITH", "STR_ENDS_WITH", "STR_CONTAINS",
    "NUM_EQ", "NUM_GT", "NUM_GTE", "NUM_LT", "NUM_LTE",
    "SEMVER_EQ", "SEMVER_GT", "SEMVER_GTE", "SEMVER_LT", "SEMVER_LTE",
    "DATE_AFTER", "DATE_BEFORE",
    "NOT_A_VALID_OPERATOR",  # unknown operators never match, in Unleash and in Signalbox
}  # fmt: skip


class Unsupported(Exception):
    """A feature uses something Signalbox does not support."""


def _stickiness(name: str | None) -> str:
    if not name or name == "default":
        return DEFAULT_STICKINESS
    if name == "random":
        raise Unsupported("random stickiness is not deterministic")
    return name


def _conditions(constraints: list[dict[str, Any]] | None) -> tuple[Condition, ...]:
    out = []
    for c in constraints or []:
        if c["operator"] not in SUPPORTED_OPERATORS:
            raise Unsupported(f"operator {c['operator']}")
        values = c.get("values")
        if values is None:
            values = [c["value"]] if c.get("value") is not None else []
        out.append(
            Condition(
                attribute=c["contextName"],
                operator=c["operator"],
                values=tuple(str(v) for v in values),
                negate=bool(c.get("inverted", False)),
                case_insensitive=bool(c.get("caseInsensitive", False)),
            )
        )
    return tuple(out)


def _rollout(strategy: dict[str, Any], feature: str) -> tuple[Rollout | None, tuple[str, ...]]:
    name, params = strategy["name"], strategy.get("parameters") or {}
    group = params.get("groupId") or feature
    match name:
        case "default":
            return None, ()
        case "userWithId":
            ids = tuple(u.strip() for u in str(params.get("userIds", "")).split(",") if u.strip())
            return None, ids or ("\x00no user",)
        case "gradualRolloutUserId":
            return Rollout(int(params["percentage"]), "userId", group), ()
        case "gradualRolloutSessionId":
            return Rollout(int(params["percentage"]), "sessionId", group), ()
        case "gradualRolloutRandom":
            percentage = int(params["percentage"])
            if percentage not in (0, 100):
                raise Unsupported("random rollout between 0 and 100% is not deterministic")
            return Rollout(percentage, DEFAULT_STICKINESS, group), ()
        case "flexibleRollout":
            percentage = int(params.get("rollout", 100))
            sticky = params.get("stickiness")
            if sticky == "random" and percentage in (0, 100):
                sticky = "default"
            return Rollout(percentage, _stickiness(sticky), group), ()
    raise Unsupported(f"strategy {name}")


def _split(
    variants: list[dict[str, Any]], prefix: str, stickiness: str, group: str
) -> Serve | None:
    weighted = [v for v in variants if int(v.get("weight", 0)) > 0]
    if not weighted:
        return None
    return Serve(
        split=tuple(WeightedVariant(f"{prefix}{v['name']}", int(v["weight"])) for v in weighted),
        stickiness=stickiness,
        group_id=group,
    )


def to_definition(feature: dict[str, Any]) -> FlagDefinition:
    """The Signalbox definition of one Unleash feature (raises Unsupported)."""
    if feature.get("dependencies"):
        raise Unsupported("dependent features")
    name = feature["name"]
    values: dict[str, Any] = {ON: True, OFF: False}
    feature_variants = feature.get("variants") or []
    for v in feature_variants:
        values[f"f:{v['name']}"] = {"name": v["name"], "payload": v.get("payload")}
    feature_sticky = _stickiness(feature_variants[0].get("stickiness")) if feature_variants else ""
    default_serve = _split(feature_variants, "f:", feature_sticky, name) or Serve(ON)
    overrides = [(f"f:{v['name']}", o) for v in feature_variants for o in v.get("overrides") or []]
    rules: list[Rule] = []
    strategies = feature.get("strategies") or []
    if not strategies and overrides:
        strategies = [{"name": "default"}]
    for i, s in enumerate(strategies):
        rollout, user_ids = _rollout(s, name)
        params = s.get("parameters") or {}
        conditions = _conditions(s.get("constraints"))
        segments = tuple(str(x) for x in s.get("segments") or ())
        serve = None
        if s.get("variants"):
            for v in s["variants"]:
                values[f"s{i}:{v['name']}"] = {"name": v["name"], "payload": v.get("payload")}
            serve = _split(
                s["variants"],
                f"s{i}:",
                _stickiness(params.get("stickiness")),
                params.get("groupId") or name,
            )
        if serve is None:
            for key, o in overrides:
                when = Condition(o["contextName"], "IN", tuple(str(x) for x in o["values"]))
                rules.append(Rule((*conditions, when), segments, user_ids, rollout, Serve(key)))
        rules.append(Rule(conditions, segments, user_ids, rollout, serve))
    state = EnvironmentState(
        enabled=bool(feature["enabled"]), rules=tuple(rules), default_serve=default_serve
    )
    return FlagDefinition(
        key=name, variants=values, default_variant=ON, off_variant=OFF, state=state
    )


def segments_of(state: Mapping[str, Any]) -> dict[str, Any]:
    return {str(s["id"]): _conditions(s.get("constraints")) for s in state.get("segments") or []}


def compile_feature(state: Mapping[str, Any], toggle: str) -> CompiledFlag | None:
    """The compiled flag of `toggle`, None when the state has no such feature."""
    feature = next((f for f in state.get("features", []) if f["name"] == toggle), None)
    if feature is None:
        return None
    return CompiledFlag(to_definition(feature), compile_segments(segments_of(state)))


def context_of(unleash: Mapping[str, Any]) -> EvaluationContext:
    attributes: dict[str, str] = {}
    for name, value in (unleash.get("properties") or {}).items():
        text = attribute_text(value)
        if text is not None:
            attributes[name] = text
    for name in (*UNLEASH_CONTEXT_FIELDS, "currentTime"):
        text = attribute_text(unleash.get(name))
        if text is not None:
            attributes[name] = text
    return EvaluationContext(
        targeting_key=attribute_text(unleash.get("userId")),
        attributes=attributes,
        now=datetime.now(UTC),
    )


def is_enabled(flag: CompiledFlag | None, context: Mapping[str, Any]) -> bool:
    return flag is not None and evaluate(flag, context_of(context)).variant != OFF


def variant_of(flag: CompiledFlag | None, context: Mapping[str, Any]) -> dict[str, Any]:
    """Unleash's getVariant answer: {name, payload?, enabled, feature_enabled}."""
    if flag is None:
        return {"name": "disabled", "enabled": False, "feature_enabled": False}
    resolution: Resolution = evaluate(flag, context_of(context))
    if resolution.variant in (ON, OFF):
        on = resolution.variant == ON
        return {"name": "disabled", "enabled": False, "feature_enabled": on}
    out = {"name": resolution.value["name"], "enabled": True, "feature_enabled": True}
    if resolution.value.get("payload") is not None:
        out["payload"] = resolution.value["payload"]
    return out
