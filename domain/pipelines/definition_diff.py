"""Diffs of definition versions: a unified diff of canonical renderings, and what changed per
stage (stages added or removed, gates added or removed, a stage moved to another environment)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from domain.pipelines.definition_rules import stages_of
from domain.pipelines.vocabulary import DefinitionFormat


def render(document: Any, fmt: str = DefinitionFormat.YAML) -> str:
    """The canonical human rendering: sorted keys, block style (YAML) or 2-space JSON."""
    if DefinitionFormat(fmt) is DefinitionFormat.JSON:
        return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=True, default_flow_style=False, allow_unicode=True)


@dataclass(frozen=True, slots=True)
class StageChange:
    """A stage present on both sides that changed its environment or gates."""

    stage: str
    gates_added: tuple[str, ...]
    gates_removed: tuple[str, ...]
    environment_before: str
    environment_after: str


@dataclass(frozen=True, slots=True)
class DefinitionDiff:
    unified: str
    stages_added: tuple[str, ...]
    stages_removed: tuple[str, ...]
    stages_changed: tuple[StageChange, ...]

    @property
    def identical(self) -> bool:
        return not self.unified


def diff_documents(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_label: str,
    new_label: str,
    fmt: str = DefinitionFormat.YAML,
) -> DefinitionDiff:
    """A unified diff of the canonical renderings, and what changed stage by stage."""
    unified = "".join(
        difflib.unified_diff(
            render(old, fmt).splitlines(keepends=True),
            render(new, fmt).splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )
    before = {s.name: s for s in stages_of(old)}
    after = {s.name: s for s in stages_of(new)}
    changed = []
    for name, stage in after.items():
        was = before.get(name)
        if was is None:
            continue
        added = tuple(g for g in stage.gates if g not in was.gates)
        removed = tuple(g for g in was.gates if g not in stage.gates)
        if added or removed or was.environment != stage.environment:
            changed.append(StageChange(name, added, removed, was.environment, stage.environment))
    return DefinitionDiff(
        unified=unified,
        stages_added=tuple(n for n in after if n not in before),
        stages_removed=tuple(n for n in before if n not in after),
        stages_changed=tuple(changed),
    )
