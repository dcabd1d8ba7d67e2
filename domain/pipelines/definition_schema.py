"""The JSON Schema of a pipeline definition: the one document the validator checks against
(domain.pipelines.definition_rules) and the one Signalbox publishes
(`GET /schemas/pipeline-definition.json`, docs/pipeline-definition.schema.json), so the two
cannot drift.

One rule is beyond JSON Schema and checked after it: stage names are unique.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from domain.kernel.gates import GateKey
from domain.kernel.vocabulary import EnvironmentKind

MAX_DESCRIPTION = 2000
MAX_STAGES = 50
DIALECT = "https://json-schema.org/draft/2020-12/schema"

GATES: tuple[str, ...] = tuple(g.value for g in GateKey)
"""The gate vocabulary a stage may require (the promotion decision's gates)."""

DEPRECATED_GATES: dict[str, str] = {"readiness": GateKey.RELEASE_STATUS.value}
"""Retired gate keys a stage may still list, and the gate each now means: the placeholder
`readiness` gate (the release's status) became `release_status`, so definitions stored before
keep meaning what they meant. Accepted with a warning (domain.pipelines.definition_rules)."""

_ALIASES = ", ".join(f"{old} (now {new})" for old, new in DEPRECATED_GATES.items())

KINDS: tuple[str, ...] = tuple(k.value for k in EnvironmentKind)
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
STAGE_KEYS = ("name", "environment_kind", "environment", "gates")
TOP_KEYS = ("description", "stages")

SCHEMA: dict[str, Any] = {
    "$schema": DIALECT,
    "title": "Signalbox pipeline definition",
    "description": (
        "A pipeline's stages as code (YAML or JSON), registered with pipelineDefinitionRegister "
        "and reported by CI as the sha256 of its canonical JSON. Stage names are unique within "
        "a definition (checked after this schema)."
    ),
    "type": "object",
    "required": ["stages"],
    "additionalProperties": False,
    "properties": {
        "description": {
            "type": "string",
            "maxLength": MAX_DESCRIPTION,
            "description": "What the pipeline does, for reviewers.",
        },
        "stages": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_STAGES,
            "description": "The stages in the order the pipeline runs them.",
            "items": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "description": (
                    "One stage: where it deploys (exactly one of environment_kind and "
                    "environment) and the gates it requires there."
                ),
                "oneOf": [{"required": ["environment_kind"]}, {"required": ["environment"]}],
                "properties": {
                    "name": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 100,
                        "description": "The stage's name, unique within the definition.",
                    },
                    "environment_kind": {
                        "enum": list(KINDS),
                        "description": "Deploys to every environment of this kind.",
                    },
                    "environment": {
                        "type": "string",
                        "pattern": KEY.pattern,
                        "description": "Deploys to the one environment with this key.",
                    },
                    "gates": {
                        "type": "array",
                        "maxItems": len(GATES),
                        "uniqueItems": True,
                        "items": {"enum": [*GATES, *DEPRECATED_GATES]},
                        "description": (
                            "Gates the promotion decision enforces for the environments this "
                            "stage deploys to, even where the guardrails do not ask for them. "
                            f"Deprecated aliases, accepted with a warning: {_ALIASES}."
                        ),
                    },
                },
            },
        },
    },
}


def published_schema(schema_id: str | None = None) -> dict[str, Any]:
    """The schema as published (a copy), with `$id` when it is served from a known URL."""
    document = copy.deepcopy(SCHEMA)
    if schema_id:
        document["$id"] = schema_id
    return document
