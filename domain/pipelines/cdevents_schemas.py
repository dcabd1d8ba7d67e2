"""CDEvents JSON Schemas: loaded from a directory the operator names, picked by event type.

The schemas are the CDEvents project's (one per event type, plus the link schemas they refer
to); Signalbox does not ship them. Every file is registered by its `$id` in a
`referencing.Registry` and events are validated with `Draft202012Validator`. jsonschema checks
the `date-time`, `uri` and `uri-reference` formats only with optional packages, so those three
are checked here (RFC 3339 date-times with an offset; URIs with a scheme; references free of
spaces and control characters).
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

MAX_PROBLEMS = 10
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_FORBIDDEN_IN_URI = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an event: where (a JSON pointer) and what."""

    pointer: str
    message: str


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


class CdEventSchemas:
    """The validators of one schema directory, by event type."""

    def __init__(self, documents: list[dict[str, Any]]) -> None:
        registry: Registry[Any] = Registry().with_resources(
            (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012))
            for doc in documents
            if isinstance(doc.get("$id"), str)
        )
        checker = format_checker()
        self._validators: dict[str, Draft202012Validator] = {}
        for doc in documents:
            event_type = _event_type(doc)
            if event_type is not None:
                self._validators[event_type] = Draft202012Validator(
                    doc, registry=registry, format_checker=checker
                )

    @classmethod
    def load(cls, directory: Path) -> CdEventSchemas:
        """Every `*.json` of the directory and its `links/` folder."""
        files = sorted(directory.glob("*.json")) + sorted((directory / "links").glob("*.json"))
        if not files:
            raise FileNotFoundError(f"no CDEvents schemas in {directory}")
        return cls([orjson.loads(f.read_bytes()) for f in files])

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._validators)

    def knows(self, event_type: str) -> bool:
        return event_type in self._validators

    def problems(self, event: dict[str, Any]) -> list[Problem]:
        """What is wrong with the event against its type's schema (empty when valid or when
        the type has no schema); the most relevant first, at most MAX_PROBLEMS."""
        context = event.get("context")
        event_type = context.get("type") if isinstance(context, dict) else None
        validator = self._validators.get(event_type) if isinstance(event_type, str) else None
        if validator is None:
            return []
        errors: list[ValidationError] = sorted(
            validator.iter_errors(event),
            key=lambda e: (len(e.absolute_path), pointer(e.absolute_path)),
        )
        return [Problem(pointer(e.absolute_path), e.message[:300]) for e in errors[:MAX_PROBLEMS]]


def _event_type(doc: dict[str, Any]) -> str | None:
    try:
        enum = doc["properties"]["context"]["properties"]["type"]["enum"]
    except (KeyError, TypeError):
        return None
    return enum[0] if isinstance(enum, list) and enum and isinstance(enum[0], str) else None


@functools.cache
def schemas_in(directory: Path) -> CdEventSchemas:
    """The schemas of a directory, loaded once per process."""
    return CdEventSchemas.load(directory)
