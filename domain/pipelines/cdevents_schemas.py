"""CDEvents JSON Schemas: the released versions' schemas ship with Signalbox, picked by the
event's spec version and type.

`cdevents_spec/` holds the CDEvents project's schemas of every spec release Signalbox reads
(v0.3.0, v0.4.1, v0.5.1: one schema per event type, the link schemas they refer to, and 0.5.1's
schema of custom `dev.cdeventsx.*` events), unmodified, under the Apache License 2.0 (see its
LICENSE and NOTICE). An operator may name another directory instead
(SIGNALBOX_CDEVENTS_SCHEMAS_DIR): every `*.json` under it whose `$id` is a CDEvents schema id
(`https://cdevents.dev/<version>/schema/...`) is read, so a copy of the spec's `schemas/` folder
of one version, or a tree of several, will do.

An event names its spec version in `context.specversion` (0.5 and later) or `context.version`
(0.3 and 0.4). It is validated against the schemas of that version; a patch release missing
from the schemas is read with the nearest release of the same minor version (patch releases
keep their event types). Each version's files are registered by `$id` in a
`referencing.Registry`, and a `Draft202012Validator` per (version, type) is built on first use
and kept. jsonschema checks the `date-time`, `uri` and `uri-reference` formats only with
optional packages, so those three are checked here (RFC 3339 date-times with an offset; URIs
with a scheme; references free of spaces and control characters).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped, unused-ignore]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SHIPPED = Path(__file__).with_name("cdevents_spec")
"""The schemas shipped as package data, one folder per released spec version."""
MAX_PROBLEMS = 10
CUSTOM_PREFIX = "dev.cdeventsx."
_SCHEMA_ID = re.compile(r"^https://cdevents\.dev/([^/]+)/schema/(.+)$")
_RELEASE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_FORBIDDEN_IN_URI = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an event: where (a JSON pointer) and what."""

    pointer: str
    message: str


def spec_version_field(context: dict[str, Any]) -> str:
    """The context field naming the CDEvents spec version: `specversion` since 0.5, `version`
    in 0.3 and 0.4 (a context naming neither is read as a current one)."""
    return "version" if "specversion" not in context and "version" in context else "specversion"


def is_rfc3339(value: str) -> bool:
    if not _RFC3339.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _uri_reference(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _FORBIDDEN_IN_URI.search(value):
        return False
    try:
        urlsplit(value)
    except ValueError:
        return False
    return True


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _uri_reference(value):
        return False
    scheme, _, _ = value.partition(":")
    return bool(_SCHEME.match(scheme)) and ":" in value


def format_checker() -> FormatChecker:
    checker = FormatChecker()
    checker.checks("date-time")(lambda v: not isinstance(v, str) or is_rfc3339(v))
    checker.checks("uri")(_uri)
    checker.checks("uri-reference")(_uri_reference)
    return checker


def pointer(path: Any) -> str:
    """A JSON pointer (RFC 6901) for a jsonschema error path."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


@dataclass(frozen=True, slots=True)
class _Version:
    """The schemas of one spec version: its registry, and its event schemas by type."""

    registry: Registry[Any]
    by_type: dict[str, dict[str, Any]]
    custom: dict[str, Any] | None


class CdEventSchemas:
    """The schemas of every spec version at hand, and their validators by (version, type)."""

    def __init__(self, documents: list[dict[str, Any]]) -> None:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for doc in documents:
            match = _SCHEMA_ID.match(str(doc.get("$id", "")))
            if match is not None:
                grouped.setdefault(match.group(1), []).append(doc)
        if not grouped:
            raise FileNotFoundError("no CDEvents schemas (no $id https://cdevents.dev/...)")
        self._versions = {version: _version(docs) for version, docs in grouped.items()}
        self._checker = format_checker()
        self._validators: dict[tuple[str, str], Draft202012Validator] = {}

    @classmethod
    def load(cls, directory: Path) -> CdEventSchemas:
        """Every CDEvents schema under the directory (`$id` https://cdevents.dev/<version>/...)."""
        files = sorted(p for p in directory.rglob("*.json") if p.is_file())
        if not files:
            raise FileNotFoundError(f"no CDEvents schemas in {directory}")
        documents = [orjson.loads(f.read_bytes()) for f in files]
        return cls([d for d in documents if isinstance(d, dict)])

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(sorted(self._versions))

    def release_for(self, spec_version: str) -> str | None:
        """The schemas' version an event of `spec_version` is read with: the same, else the
        latest patch release of the same minor version; None when there is none."""
        if spec_version in self._versions:
            return spec_version
        wanted = _RELEASE.match(spec_version)
        if wanted is None:
            return None
        same_minor = [
            (int(m.group(3)), v)
            for v in self._versions
            if (m := _RELEASE.match(v)) and m.group(1, 2) == wanted.group(1, 2)
        ]
        return max(same_minor)[1] if same_minor else None

    def types(self, version: str) -> frozenset[str]:
        return frozenset(self._versions[version].by_type)

    def knows(self, version: str, event_type: str) -> bool:
        """Whether the version defines this event type (custom types are never known)."""
        return event_type in self._versions[version].by_type

    def problems(self, version: str, event: dict[str, Any]) -> list[Problem]:
        """What is wrong with the event against its type's schema in `version` (empty when
        valid or when the version has no schema for the type); the most relevant first, at
        most MAX_PROBLEMS."""
        event_type = str(event["context"]["type"])
        validator = self._validator(version, event_type)
        if validator is None:
            return []
        errors: list[ValidationError] = sorted(
            validator.iter_errors(event),
            key=lambda e: (len(e.absolute_path), pointer(e.absolute_path)),
        )
        return [Problem(pointer(e.absolute_path), e.message[:300]) for e in errors[:MAX_PROBLEMS]]

    def _validator(self, version: str, event_type: str) -> Draft202012Validator | None:
        key = (version, event_type)
        validator = self._validators.get(key)
        if validator is None:
            schemas = self._versions[version]
            custom = schemas.custom if event_type.startswith(CUSTOM_PREFIX) else None
            schema = schemas.by_type.get(event_type) or custom
            if schema is None:
                return None
            validator = Draft202012Validator(
                schema, registry=schemas.registry, format_checker=self._checker
            )
            self._validators[key] = validator
        return validator


def _version(documents: list[dict[str, Any]]) -> _Version:
    registry: Registry[Any] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012))
        for doc in documents
    )
    by_type = {t: doc for doc in documents if (t := _event_type(doc)) is not None}
    custom = next((d for d in documents if str(d["$id"]).endswith("/schema/custom")), None)
    return _Version(registry, by_type, custom)


def _event_type(doc: dict[str, Any]) -> str | None:
    try:
        enum = doc["properties"]["context"]["properties"]["type"]["enum"]
    except (KeyError, TypeError):
        return None
    return enum[0] if isinstance(enum, list) and enum and isinstance(enum[0], str) else None


@functools.cache
def schemas_in(directory: Path) -> CdEventSchemas:
    """The schemas under a directory, loaded once per process."""
    return CdEventSchemas.load(directory)


def shipped() -> CdEventSchemas:
    """The schemas of the released versions Signalbox ships (package data)."""
    return schemas_in(SHIPPED)
