"""Pure rules of CDEvents: the structure every event has, its key, what Signalbox does with each
type, and package URLs of artifacts (webhook signatures: domain.pipelines.signatures).

Idempotency key. The CloudEvents spec makes (source, id) unique, but the CDEvents conformance
examples reuse one id and source across 39 event types, and real emitters reuse an id for the
events of one activity (a pipeline run's queued/started/finished) often enough. So the key is
(source, id, type): a replay of the same key with the same CDEvent is a duplicate (200, nothing
changes); the same key with a different CDEvent is a conflict (409).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

import orjson

from domain.pipelines.cdevents_schemas import Problem, is_rfc3339, spec_version_field
from domain.pipelines.vocabulary import DeploymentKind

MAX_SOURCE = 512
MAX_ID = 256
MAX_TYPE = 256
MAX_SUBJECT_ID = 512
MAX_REF = 512
MAX_ARTIFACT_REF = 1024

TYPE_PATTERN = re.compile(
    r"^dev\.cdevents\.([a-z]+)\.([a-z]+)\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$"
)


class Effect(StrEnum):
    """What ingesting a known type does in Signalbox."""

    ARTIFACT = "artifact"
    TEST_RUN = "test_run"
    DEPLOYMENT = "deployment"
    INCIDENT_OPEN = "incident_open"
    INCIDENT_RESOLVE = "incident_resolve"
    PIPELINE_RUN = "pipeline_run"
    NFR_RESULTS = "nfr_results"
    STORE = "store"


_EFFECTS: dict[str, Effect] = {
    "artifact.published": Effect.ARTIFACT,
    "artifact.packaged": Effect.ARTIFACT,
    "artifact.signed": Effect.ARTIFACT,
    "testsuiterun.finished": Effect.TEST_RUN,
    "service.deployed": Effect.DEPLOYMENT,
    "service.upgraded": Effect.DEPLOYMENT,
    "service.rolledback": Effect.DEPLOYMENT,
    "incident.detected": Effect.INCIDENT_OPEN,
    "incident.reported": Effect.INCIDENT_OPEN,
    "incident.resolved": Effect.INCIDENT_RESOLVE,
    "pipelinerun.started": Effect.PIPELINE_RUN,
    "pipelinerun.finished": Effect.PIPELINE_RUN,
}
RUN_OUTCOMES = {
    "success": "succeeded",
    "failure": "failed",
    "error": "errored",
    "cancel": "cancelled",
}
"""CDEvents pipelinerun outcomes, as Signalbox run statuses (anything else: errored)."""
TEST_SUITE_SUCCEEDED = frozenset({"success", "pass"})
"""testsuiterun.finished outcomes of a suite that passed: `success` since 0.5, `pass` before."""
DEPLOYMENT_KINDS = {
    "service.deployed": DeploymentKind.DEPLOYED,
    "service.upgraded": DeploymentKind.UPGRADED,
    "service.rolledback": DeploymentKind.ROLLED_BACK,
}


def subject_predicate(event_type: str) -> str | None:
    """`service.deployed` of `dev.cdevents.service.deployed.0.3.0`; None for other types."""
    match = TYPE_PATTERN.match(event_type)
    return f"{match.group(1)}.{match.group(2)}" if match else None


NFR_RESULTS_TYPE = re.compile(
    r"^dev\.cdeventsx\.([a-zA-Z0-9]+)-nfrresults\.reported\.(\d+\.\d+)\.\d+$"
)
"""Signalbox's custom CDEvent carrying NFR results: `dev.cdeventsx.<producer>-nfrresults.
reported.<version>` (the spec's custom-event form `dev.cdeventsx.<tool>-<subject>.<predicate>.
<version>`; any producer, e.g. `dev.cdeventsx.k6-nfrresults.reported.0.1.0`)."""
NFR_RESULTS_VERSIONS = frozenset({"0.1"})
"""The major.minor versions of the NFR results event Signalbox reads (any patch)."""


def effect_of(event_type: str) -> Effect:
    if NFR_RESULTS_TYPE.match(event_type):
        return Effect.NFR_RESULTS
    return _EFFECTS.get(subject_predicate(event_type) or "", Effect.STORE)


def acted_on_custom(event_type: str) -> bool:
    """Whether a custom `dev.cdeventsx.*` type is one Signalbox acts on (known, though no spec
    version defines it)."""
    return effect_of(event_type) is Effect.NFR_RESULTS


def nfr_results_version(event_type: str) -> str | None:
    """The major.minor version of an NFR results event type; None for other types."""
    match = NFR_RESULTS_TYPE.match(event_type)
    return match.group(2) if match else None


# -- structure ------------------------------------------------------------------------------


def _text(obj: dict[str, Any], key: str, where: str, limit: int | None) -> list[Problem]:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        return [Problem(f"{where}/{key}", f"{key} is a non-empty string.")]
    if limit is not None and len(value) > limit:
        return [Problem(f"{where}/{key}", f"{key} is at most {limit} characters.")]
    return []


def structure_problems(event: Any) -> list[Problem]:
    """What every CDEvent needs, whatever its type and version: a context with id, source,
    type, spec version (`specversion`, or `version` before 0.5) and an RFC 3339 timestamp,
    and a subject with an id and a content object."""
    if not isinstance(event, dict):
        return [Problem("", "A CDEvent is a JSON object with a context and a subject.")]
    problems: list[Problem] = []
    context, subject = event.get("context"), event.get("subject")
    if not isinstance(context, dict):
        problems.append(Problem("/context", "The context is an object."))
    else:
        problems += _text(context, "id", "/context", MAX_ID)
        problems += _text(context, "source", "/context", MAX_SOURCE)
        problems += _text(context, "type", "/context", MAX_TYPE)
        problems += _text(context, spec_version_field(context), "/context", 32)
        stamp = context.get("timestamp")
        if not isinstance(stamp, str) or not is_rfc3339(stamp):
            problems.append(
                Problem("/context/timestamp", "The timestamp is an RFC 3339 date-time.")
            )
    if not isinstance(subject, dict):
        problems.append(Problem("/subject", "The subject is an object."))
    else:
        problems += _text(subject, "id", "/subject", MAX_SUBJECT_ID)
        if not isinstance(subject.get("content"), dict):
            problems.append(Problem("/subject/content", "The subject's content is an object."))
    return problems


def envelope_problems(
    ce_id: str, ce_source: str, ce_type: str, event: dict[str, Any]
) -> list[Problem]:
    """The CloudEvent's id, source and type are the CDEvent context's (CDEvents binding)."""
    context = event["context"]
    return [
        Problem(
            f"/context/{name}", f"ce-{name} {ce!r} differs from the context's {context[name]!r}."
        )
        for name, ce in (("id", ce_id), ("source", ce_source), ("type", ce_type))
        if ce != context[name]
    ]


def spec_version_of(event: dict[str, Any]) -> str:
    """The CDEvents spec version an event (structurally valid) names."""
    context = event["context"]
    return str(context[spec_version_field(context)])


def timestamp_of(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(event["context"]["timestamp"]).upper().replace("Z", "+00:00"))


def body_hash(event: dict[str, Any]) -> str:
    """A digest of the CDEvent alone (keys sorted), so binary and structured mode agree."""
    return hashlib.sha256(orjson.dumps(event, option=orjson.OPT_SORT_KEYS)).hexdigest()


def custom_data(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("customData")
    return data if isinstance(data, dict) else {}


def ref(value: Any, limit: int = MAX_REF) -> str:
    """A reference as reported, cut to what is stored."""
    return value[:limit] if isinstance(value, str) else ""


def ref_id(obj: Any) -> str:
    """The `id` of a reference object such as `{"id": "prod1", "source": "/iaas"}`."""
    return ref(obj.get("id")) if isinstance(obj, dict) else ""


# -- package URLs ---------------------------------------------------------------------------

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class PackageRef:
    """What Signalbox reads from a package URL: `pkg:type/namespace/name@version?qualifiers`."""

    name: str
    version: str | None
    digest: str | None


def parse_purl(value: str) -> PackageRef | None:
    """The name, version and sha256 digest of a package URL (for OCI images the version is the
    digest and `tag` the version); None when it is no package URL."""
    if not value.startswith("pkg:"):
        return None
    rest = value[4:].split("#", 1)[0]
    rest, _, query = rest.partition("?")
    path, _, version = rest.rpartition("@") if "@" in rest else (rest, "", "")
    name = unquote(path.rstrip("/").rsplit("/", 1)[-1])
    if "/" not in path or not name:
        return None
    qualifiers = dict(
        (unquote(k).lower(), unquote(v))
        for k, _, v in (q.partition("=") for q in query.split("&") if q)
    )
    version = unquote(version)
    digest = version if _DIGEST.match(version) else None
    if digest is None and _DIGEST.match(qualifiers.get("digest", "")):
        digest = qualifiers["digest"]
    tag = qualifiers.get("tag") or (None if version == digest else version or None)
    return PackageRef(name=name, version=tag, digest=digest)
