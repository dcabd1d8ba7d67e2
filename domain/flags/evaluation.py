"""Flag evaluation: a pure function over a flag compiled once per snapshot.

Bucketing is Unleash's, so percentages agree with Unleash clients:

- rollout: `murmur3_32(f"{group_id}:{id}", seed=0) % 100 + 1` (1..100); in when
  `percentage > 0 and bucket <= percentage`;
- split: `murmur3_32(f"{group_id}:{id}", seed=86028157) % total_weight + 1`, then the first
  variant whose running weight reaches it.

`group_id` defaults to the flag key. Stickiness `default` uses the targeting key, else the
`sessionId` attribute; any other stickiness names an attribute (`targetingKey` included).
Without a stickiness value a rollout is in only at 100% (Unleash would roll a die: only 0 and
100 are deterministic there), and a split serves its first variant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import mmh3

from domain.flags.definitions import (
    DEFAULT_STICKINESS,
    FlagDefinition,
    Rollout,
    Rule,
    Serve,
)
from domain.flags.targeting import EvaluationContext, Predicate, compile_condition

VARIANT_SEED = 86028157


class Reason(StrEnum):
    """OpenFeature resolution reasons."""

    STATIC = "STATIC"
    TARGETING_MATCH = "TARGETING_MATCH"
    SPLIT = "SPLIT"
    DISABLED = "DISABLED"
    DEFAULT = "DEFAULT"


@dataclass(frozen=True, slots=True)
class Resolution:
    value: Any
    variant: str
    reason: Reason
    rule: int | None = None
    """Index of the rule that matched, if one did."""


def bucket(group_id: str, identifier: str) -> int:
    """Unleash's normalized rollout bucket, 1..100."""
    return mmh3.hash(f"{group_id}:{identifier}", 0, signed=False) % 100 + 1


def variant_bucket(group_id: str, identifier: str, total: int) -> int:
    return mmh3.hash(f"{group_id}:{identifier}", VARIANT_SEED, signed=False) % total + 1


def sticky_id(ctx: EvaluationContext, stickiness: str) -> str | None:
    if stickiness == DEFAULT_STICKINESS:
        key = ctx.targeting_key
        return key if key else ctx.attributes.get("sessionId") or None
    return ctx.get(stickiness) or None


class CompiledServe:
    __slots__ = ("first", "group_id", "resolutions", "stickiness", "thresholds", "total")

    def __init__(self, serve: Serve, flag: FlagDefinition, reason: Reason, rule: int | None):
        entries = [w for w in serve.split if w.weight > 0]
        if not entries:
            variant = serve.variant or flag.default_variant
            entries_variants = [variant]
            self.thresholds: tuple[int, ...] = ()
        else:
            entries_variants = [w.variant for w in entries]
            running, thresholds = 0, []
            for w in entries:
                running += w.weight
                thresholds.append(running)
            self.thresholds = tuple(thresholds)
            reason = Reason.SPLIT
        self.total = self.thresholds[-1] if self.thresholds else 0
        self.resolutions = tuple(
            Resolution(flag.variants.get(v), v, reason, rule) for v in entries_variants
        )
        self.first = self.resolutions[0]
        self.stickiness = serve.stickiness
        self.group_id = serve.group_id or flag.key

    def resolve(self, ctx: EvaluationContext) -> Resolution:
        if not self.thresholds:
            return self.first
        identifier = sticky_id(ctx, self.stickiness)
        if identifier is None:
            return self.first
        target = variant_bucket(self.group_id, identifier, self.total)
        for resolution, threshold in zip(self.resolutions, self.thresholds, strict=True):
            if threshold >= target:
                return resolution
        return self.first  # unreachable: the last threshold is the total


class CompiledRule:
    __slots__ = ("group_id", "percentage", "predicates", "serve", "stickiness", "user_ids")

    def __init__(
        self,
        index: int,
        rule: Rule,
        flag: FlagDefinition,
        segments: Mapping[str, tuple[Predicate, ...]],
        default_serve: Serve,
    ):
        predicates = [compile_condition(c) for c in rule.conditions]
        for name in rule.segments:
            found = segments.get(name)
            # A rule naming a segment that no longer exists never matches: fail closed.
            predicates.extend(found if found is not None else (_never,))
        self.predicates = tuple(predicates)
        self.user_ids = frozenset(rule.user_ids) if rule.user_ids else None
        rollout = rule.rollout or Rollout(100)
        self.percentage = rollout.percentage
        self.stickiness = rollout.stickiness
        self.group_id = rollout.group_id or flag.key
        reason = Reason.SPLIT if self.percentage < 100 else Reason.TARGETING_MATCH
        self.serve = CompiledServe(rule.serve or default_serve, flag, reason, index)

    def applies(self, ctx: EvaluationContext) -> bool:
        for predicate in self.predicates:
            if not predicate(ctx):
                return False
        if self.user_ids is not None and ctx.targeting_key not in self.user_ids:
            return False
        if self.percentage >= 100 and self.stickiness == DEFAULT_STICKINESS:
            return True
        if self.percentage <= 0:
            return False
        identifier = sticky_id(ctx, self.stickiness)
        if identifier is None:
            return self.percentage >= 100 and self.stickiness == DEFAULT_STICKINESS
        return bucket(self.group_id, identifier) <= self.percentage


def _never(_ctx: EvaluationContext) -> bool:
    return False


class CompiledFlag:
    """A flag ready to evaluate in one environment; immutable once built."""

    __slots__ = (
        "dark_launch",
        "default",
        "definition",
        "disabled",
        "internal",
        "internal_on",
        "key",
        "no_match",
        "rules",
    )

    def __init__(
        self, flag: FlagDefinition, segments: Mapping[str, tuple[Predicate, ...]] | None = None
    ):
        segments = segments or {}
        self.definition = flag
        self.key = flag.key
        state = flag.state
        off = Resolution(flag.variants.get(flag.off_variant), flag.off_variant, Reason.DISABLED)
        self.disabled = off if state is None or not state.enabled else None
        self.no_match = Resolution(off.value, off.variant, Reason.DEFAULT)
        default_serve = (state.default_serve if state else None) or Serve(flag.default_variant)
        static = Reason.STATIC
        self.default = CompiledServe(default_serve, flag, static, None)
        self.dark_launch = bool(state and state.dark_launch)
        self.internal: tuple[Predicate, ...] | None = None
        if state is not None and state.dark_launch and state.dark_launch_segment is not None:
            self.internal = segments.get(state.dark_launch_segment, (_never,))
        on = flag.default_variant
        self.internal_on = Resolution(flag.variants.get(on), on, Reason.TARGETING_MATCH)
        self.rules = tuple(
            CompiledRule(i, rule, flag, segments, default_serve)
            for i, rule in enumerate(state.rules if state else ())
        )


def compile_segments(
    segments: Mapping[str, Any],
) -> dict[str, tuple[Predicate, ...]]:
    """Segment key → its conditions' predicates (all must hold)."""
    return {key: tuple(compile_condition(c) for c in conds) for key, conds in segments.items()}


def evaluate(flag: CompiledFlag, ctx: EvaluationContext) -> Resolution:
    """The variant a context gets, and why. Pure: same flag and context, same answer."""
    if flag.disabled is not None:
        return flag.disabled
    if flag.dark_launch:
        internal = flag.internal
        if internal is not None and all(p(ctx) for p in internal):
            return flag.internal_on
        return flag.no_match
    rules = flag.rules
    if not rules:
        return flag.default.resolve(ctx)
    for rule in rules:
        if rule.applies(ctx):
            return rule.serve.resolve(ctx)
    return flag.no_match
