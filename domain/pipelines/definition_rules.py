"""Pure rules of pipeline definitions: parsing, validation, canonical hashing, diffs, run checks.

The hash CI reports is `sha256:<hex>` of the *canonical* form: the parsed document as JSON with
sorted keys, no whitespace (`,` and `:` separators) and UTF-8 text (not ASCII escapes). So
formatting, comments, key order and YAML-vs-JSON do not change it; stage order, gate order and
every value do. `canonical_hash(source)` computes it (what a `signalbox pipeline hash <file>`
helper runs); without Signalbox installed, CI gets the same value with

    python -c 'import hashlib,json,sys,yaml; d=yaml.safe_load(open(sys.argv[1]));
      print("sha256:"+hashlib.sha256(json.dumps(d,sort_keys=True,separators=(",",":"),
      ensure_ascii=False).encode()).hexdigest())' pipeline.yaml

The sha256 of the exact bytes registered (`raw_hash`) is kept too, and a run reporting it is
matched to its version all the same.

The gates a stage lists are enforced by the promotion decision for the environments the stage
deploys to (domain.pipelines.stage_gates): a listed evidence gate or migration dry run needs its
evidence even where the guardrails do not ask for it, listed drift blocks, listed parity needs a
final staging; every blocking outcome of a listed gate names the stage. The other gates are
judged on every promotion they apply to, listed or not.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    ValidationError,
    best_match,
)

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateKey
from domain.kernel.rules import matching, require, trimmed
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.definition_errors import DefinitionErrorCode as Code
from domain.pipelines.definition_schema import (
    DEPRECATED_GATES,
    GATES,
    KEY,
    KINDS,
    MAX_DESCRIPTION,
    SCHEMA,
    STAGE_KEYS,
    TOP_KEYS,
)
from domain.pipelines.vocabulary import DefinitionFormat, RunStatus

MAX_SOURCE_BYTES = 64 * 1024
MAX_SERVICES = 50
MAX_COMMENT = 4000
CLOCK_SKEW = timedelta(minutes=5)

PRODUCTION_ONLY: frozenset[str] = frozenset(
    {
        GateKey.SIGN_OFFS,
        GateKey.DOCUMENTATION,
        GateKey.BOARD_DECISION,
        GateKey.RELEASE_STATUS,
        GateKey.READINESS_REVIEW,
        GateKey.INTEGRATION_WINDOW,
        GateKey.ONBOARDING,
        GateKey.VENDOR_ATTESTATIONS,
        GateKey.DR_TEST,
        GateKey.ENVIRONMENT_PARITY,
        GateKey.NFRS,
        GateKey.DATA_MIGRATIONS,
    }
)
"""The gates the decision judges on production promotions only (domain.pipelines.judge,
judge_release, judge_production): a stage deploying elsewhere that lists one is refused, since
the listing would be silently ignored there."""

HASH = re.compile(r"^(?:sha256:)?([0-9a-f]{64})$")
_VALIDATOR = Draft202012Validator(SCHEMA)


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a definition: where it deploys (an environment kind or key) and its gates."""

    name: str
    environment_kind: str | None
    environment_key: str | None
    gates: tuple[str, ...]

    @property
    def environment(self) -> str:
        return (
            f"kind:{self.environment_kind}"
            if self.environment_kind
            else f"key:{self.environment_key}"
        )


@dataclass(frozen=True, slots=True)
class ParsedDefinition:
    document: dict[str, Any]
    content_hash: str
    raw_hash: str
    format: DefinitionFormat
    warnings: tuple[str, ...] = ()


def _invalid(message: str, code: str = Code.DEFINITION_INVALID) -> DomainError:
    return DomainError(message, code=code, field="source")


def _no_aliases(source: str) -> None:
    """Refuse YAML aliases: they are how a small document expands into a huge one."""
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _invalid("YAML anchors and aliases are not accepted.", Code.DEFINITION_UNPARSABLE)


def _load(source: str, fmt: DefinitionFormat) -> Any:
    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        if fmt is DefinitionFormat.JSON:
            return json.loads(source, parse_constant=no_constants)
        _no_aliases(source)
        return yaml.safe_load(source)
    except (yaml.YAMLError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _invalid(
            f"The {fmt.value.upper()} does not parse: {first_line}", Code.DEFINITION_UNPARSABLE
        ) from None


def _explain(error: ValidationError) -> DomainError:
    path = error.json_path
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = STAGE_KEYS if path.startswith("$.stages[") else TOP_KEYS
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        return _invalid(
            f"{path}: unknown key '{extra[0]}' (allowed: {', '.join(allowed)})."
            if extra
            else f"{path}: {error.message}"
        )
    if error.validator == "oneOf":
        return _invalid(f"{path}: give exactly one of environment_kind and environment.")
    if error.validator == "enum" and ".gates[" in path:
        return _invalid(
            f"{path}: unknown gate '{error.instance}' (gates: {', '.join(GATES)}).",
            Code.UNKNOWN_GATE,
        )
    if error.validator == "enum":
        return _invalid(f"{path}: '{error.instance}' is not one of {', '.join(KINDS)}.")
    if error.validator == "uniqueItems":
        return _invalid(f"{path}: a gate is listed twice.", Code.DUPLICATE_GATE)
    if error.validator == "pattern":
        return _invalid(f"{path}: '{error.instance}' is not an environment key.")
    return _invalid(f"{path}: {error.message}")


def canonical_gates(gates: Sequence[str]) -> tuple[str, ...]:
    """The gates as the decision knows them: a deprecated alias becomes the gate it now means
    (domain.pipelines.definition_schema.DEPRECATED_GATES), each gate once, in listed order."""
    return tuple(dict.fromkeys(DEPRECATED_GATES.get(g, g) for g in gates))


def definition_warnings(document: Mapping[str, Any]) -> tuple[str, ...]:
    """One warning per deprecated gate alias a (valid) document lists, with its JSON path."""
    return tuple(
        f"$.stages[{i}].gates[{j}]: gate '{gate}' is deprecated; it is judged as "
        f"'{DEPRECATED_GATES[gate]}'. List '{DEPRECATED_GATES[gate]}' instead."
        for i, stage in enumerate(document.get("stages", []))
        for j, gate in enumerate(stage.get("gates", ()))
        if gate in DEPRECATED_GATES
    )


def _stage_gates(i: int, raw: Mapping[str, Any]) -> tuple[str, ...]:
    """A new stage's gates, canonical; an alias listed next to the gate it means is a duplicate."""
    listed = tuple(raw.get("gates", ()))
    gates = canonical_gates(listed)
    if len(gates) < len(listed):
        twice = sorted({DEPRECATED_GATES[g] for g in listed if g in DEPRECATED_GATES})
        raise _invalid(
            f"$.stages[{i}].gates: {', '.join(twice)} is listed twice "
            "(once by its deprecated alias).",
            Code.DUPLICATE_GATE,
        )
    return gates


def validate_document(document: Any) -> list[Stage]:
    """The stages of a parsed document, or a refusal naming the JSON path at fault: the
    published schema (domain.pipelines.definition_schema), then unique stage names."""
    error = best_match(_VALIDATOR.iter_errors(document))
    if error is not None:
        raise _explain(error)
    stages: list[Stage] = []
    seen: set[str] = set()
    for i, raw in enumerate(document["stages"]):
        kind, key = raw.get("environment_kind"), raw.get("environment")
        if raw["name"] in seen:
            raise _invalid(
                f"$.stages[{i}].name: stage '{raw['name']}' appears twice.", Code.DUPLICATE_STAGE
            )
        seen.add(raw["name"])
        stages.append(Stage(raw["name"], kind, key, _stage_gates(i, raw)))
    check_production_only(stages, {})
    return stages


def check_production_only(stages: Sequence[Stage], kind_of_key: Mapping[str, str]) -> None:
    """Refuse a production-only gate on a stage deploying to another kind of environment (by
    its kind, or by its key's kind where the key names a known environment)."""
    for i, stage in enumerate(stages):
        kind = stage.environment_kind or kind_of_key.get(stage.environment_key or "")
        if kind is None or kind == EnvironmentKind.PRODUCTION:
            continue
        misplaced = [g for g in stage.gates if g in PRODUCTION_ONLY]
        if misplaced:
            raise _invalid(
                f"$.stages[{i}].gates: {', '.join(misplaced)} "
                f"{'is' if len(misplaced) == 1 else 'are'} judged on production promotions "
                f"only; stage '{stage.name}' deploys to {kind}, where the listing would be "
                "ignored.",
                Code.GATE_PRODUCTION_ONLY,
            )


def stages_of(document: Mapping[str, Any]) -> list[Stage]:
    """The stages of a stored (already valid) document, deprecated gate aliases as the gates
    they mean (a stored `readiness` is judged as `release_status`)."""
    return [
        Stage(
            s["name"],
            s.get("environment_kind"),
            s.get("environment"),
            canonical_gates(s.get("gates", ())),
        )
        for s in document.get("stages", [])
    ]


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def parse_definition(source: str, fmt: str = DefinitionFormat.YAML) -> ParsedDefinition:
    """Parse (safely), validate and hash a definition's source text."""
    try:
        form = DefinitionFormat(fmt)
    except ValueError:
        raise DomainError(
            f"'{fmt}' is not one of: yaml, json.", code=Code.INVALID_FORMAT, field="format"
        ) from None
    raw = source.encode()
    if len(raw) > MAX_SOURCE_BYTES:
        raise _invalid(
            f"A definition is at most {MAX_SOURCE_BYTES} bytes; this one is {len(raw)}.",
            Code.DEFINITION_TOO_LARGE,
        )
    document = _load(source, form)
    validate_document(document)
    return ParsedDefinition(
        document,
        sha256(canonical_json(document)),
        sha256(raw),
        form,
        definition_warnings(document),
    )


def canonical_hash(source: str, fmt: str = DefinitionFormat.YAML) -> str:
    """The `sha256:<hex>` CI reports for a definition file (see the module docstring)."""
    return parse_definition(source, fmt).content_hash


def normalize_hash(value: str, field: str = "definitionHash") -> str:
    """`sha256:<64 lowercase hex>`; a bare 64-hex digest gets its prefix."""
    found = HASH.match(value.strip().lower())
    if found is None:
        raise DomainError(
            "A definition hash is sha256:<64 hex digits>.", code=Code.INVALID_HASH, field=field
        )
    return f"sha256:{found.group(1)}"


# -- pipelines and runs ------------------------------------------------------------------------


def check_key(key: str) -> str:
    return matching(
        key,
        KEY.match,
        "A key is 1 to 64 lowercase letters, digits and hyphens, starting with a letter or digit.",
        code=Code.INVALID_KEY,
        field="key",
    )


def check_name(name: str) -> str:
    message = "A name is 1 to 200 characters."
    return trimmed(name, 1, 200, message, code=Code.INVALID_NAME, field="name")


def check_description(text: str) -> str:
    message = f"A description is at most {MAX_DESCRIPTION} characters."
    require(
        len(text) <= MAX_DESCRIPTION, message, code=Code.INVALID_DESCRIPTION, field="description"
    )
    return text


def check_services(ids: Sequence[Any]) -> list[Any]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_SERVICES:
        raise DomainError(
            f"A pipeline deploys at most {MAX_SERVICES} services.",
            code=Code.TOO_MANY_SERVICES,
            field="serviceIds",
        )
    return unique


def check_comment(comment: str, *, required: bool) -> str:
    comment = comment.strip()
    if required and not comment:
        raise DomainError(
            "Say why the version is rejected.", code=Code.COMMENT_REQUIRED, field="comment"
        )
    if len(comment) > MAX_COMMENT:
        raise DomainError(
            f"A comment is at most {MAX_COMMENT} characters.",
            code=Code.COMMENT_TOO_LONG,
            field="comment",
        )
    return comment


def check_run_id(run_id: str) -> str:
    run_id = run_id.strip()
    if not 1 <= len(run_id) <= 200 or not run_id.isprintable():
        raise DomainError(
            "A run id is 1 to 200 printable characters.", code=Code.INVALID_RUN_ID, field="runId"
        )
    return run_id


def check_artifact(artifact: str | None) -> str | None:
    if artifact is None or not artifact.strip():
        return None
    if len(artifact) > 500 or not artifact.isprintable():
        raise DomainError(
            "An artifact reference is at most 500 printable characters.",
            code=Code.INVALID_ARTIFACT,
            field="artifact",
        )
    return artifact.strip()


def check_run_times(started_at: datetime, finished_at: datetime | None, now: datetime) -> None:
    if started_at > now + CLOCK_SKEW:
        raise DomainError(
            "A run cannot start in the future.", code=Code.RUN_IN_FUTURE, field="startedAt"
        )
    if finished_at is not None and finished_at < started_at:
        raise DomainError(
            "A run finishes after it starts.", code=Code.INVALID_INTERVAL, field="finishedAt"
        )


TERMINAL = frozenset(
    {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.ERRORED, RunStatus.CANCELLED}
)


def next_run_status(current: RunStatus, reported: RunStatus) -> RunStatus:
    """A run's status only moves forward: once finished, a late report changes nothing."""
    return current if current in TERMINAL else reported
