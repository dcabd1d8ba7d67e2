"""What an action item's target must say, per kind, checked and normalized (INVALID_TARGET
naming the field at fault): the control and the change in it that verification looks for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from domain.guardrails.errors import GuardrailErrorCode
from domain.guardrails.rules import check_value
from domain.kernel.errors import DomainError
from domain.pipelines.definition_schema import GATES
from domain.postrelease.postmortem_errors import PostMortemErrorCode as Code
from domain.postrelease.postmortem_vocabulary import ActionTargetKind as K

KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,129}$")
FIELDS: Mapping[K, tuple[str, ...]] = {
    K.DOCUMENTATION_TEMPLATE: ("template_key", "item_key"),
    K.READINESS_CHECKLIST_ITEM: ("template_key", "item_key"),
    K.TEST_CASE: ("test_name",),
    K.PIPELINE_GATE: ("pipeline_key", "gate"),
    K.GUARDRAIL_VALUE: ("key", "value"),
}
CAMEL = {
    "template_key": "templateKey",
    "item_key": "itemKey",
    "test_name": "testName",
    "pipeline_key": "pipelineKey",
    "gate": "gate",
    "key": "guardrailKey",
    "value": "guardrailValue",
}


def _refuse(name: str, message: str) -> DomainError:
    return DomainError(message, code=Code.INVALID_TARGET, field=CAMEL[name])


def checked(kind: K, target: Mapping[str, Any]) -> dict[str, Any]:
    """The target's fields for `kind`, checked; the others dropped."""
    out: dict[str, Any] = {}
    for name in FIELDS[kind]:
        value = target.get(name)
        if value is None:
            raise _refuse(name, f"A {kind.value.replace('_', ' ')} action names its {CAMEL[name]}.")
        out[name] = value if name == "value" else str(value).strip()
    if kind == K.TEST_CASE:
        if not 1 <= len(out["test_name"]) <= 200:
            raise _refuse("test_name", "A test name takes 1 to 200 characters.")
        return out
    if kind == K.GUARDRAIL_VALUE:
        try:
            out["value"] = check_value(out["key"], out["value"])
        except DomainError as e:
            unknown = e.code == GuardrailErrorCode.UNKNOWN_GUARDRAIL
            raise _refuse("key" if unknown else "value", e.message) from None
        return out
    for name in FIELDS[kind]:
        if name != "gate" and not KEY.match(out[name]):
            raise _refuse(
                name, f"{CAMEL[name]} is a key: lowercase letters, digits, '.', '_', '-'."
            )
    if kind == K.PIPELINE_GATE and out["gate"] not in GATES:
        raise _refuse("gate", f"Unknown gate '{out['gate'][:64]}' (gates: {', '.join(GATES)}).")
    return out
