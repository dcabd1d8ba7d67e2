"""Rules of blameless post-mortems, pure: when one opens and is due, whether a text names a
person, the timeline's order, and whether an action item's change exists."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.guardrails.lattice import Strictness, at_least_as_strict
from domain.pipelines.vocabulary import IncidentSeverity
from domain.postrelease.postmortem_vocabulary import ActionTargetKind as K

THRESHOLD_KEY = "postmortem_min_severity"
DUE_KEY = "postmortem_due_days"


def needs_post_mortem(severity: str | None, attributed: bool, threshold: int) -> bool:
    """A release-related (attributed) incident of severity SEV<threshold> or worse needs one;
    an unrated incident does not (yet)."""
    if not attributed or severity is None:
        return False
    return IncidentSeverity(severity).rank <= threshold


def due_at(opened_at: datetime, days: int) -> datetime:
    return opened_at + timedelta(days=days)


def is_overdue(status: str, due: datetime, now: datetime) -> bool:
    return status == "open" and now > due


@dataclass(frozen=True, slots=True)
class Named:
    """How a person known to Signalbox may be named in a text."""

    username: str
    display_name: str
    email: str | None


_WORD = re.compile(r"[\w.+-]+@[\w.-]+|[\w][\w.-]*", re.UNICODE)


def candidates(text: str, longest: int = 4) -> set[str]:
    """The words, e-mail-like tokens and runs of up to `longest` words of a text, lower-cased:
    what a person's username, e-mail or name would have to equal."""
    words = [w.strip(".-").lower() for w in _WORD.findall(text)]
    words = [w for w in words if w]
    out = set(words)
    for size in range(2, longest + 1):
        out.update(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return out


def person_named(text: str, people: Iterable[Named]) -> Named | None:
    """The first person the text names by username, e-mail or full name (whole words, any
    case), or None."""
    found = candidates(text)
    for p in people:
        names = {p.username.lower(), " ".join(p.display_name.lower().split())}
        if p.email:
            names.add(p.email.lower())
        if names & found:
            return p
    return None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str
    summary: str
    ref: str


def timeline(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Every entry by time, then kind, then reference: a stable order for equal instants."""
    return sorted(entries, key=lambda e: (e.at, e.kind, e.ref))


# -- verification: does the change an action item names exist? --------------------------------


@dataclass(frozen=True, slots=True)
class Version:
    """A new version of something an action item can change: a documentation or readiness
    template (`key`, the item keys it holds), a pipeline definition (`key` = pipeline, the
    gates it lists), a guardrail set (`values`), or test evidence (`key` = test name)."""

    id: uuid.UUID
    key: str
    at: datetime
    holds: frozenset[str] = frozenset()
    values: Mapping[str, Any] | None = None
    summary: str = ""
    service_id: uuid.UUID | None = None
    """For test evidence: the service whose artifact it is."""


@dataclass(frozen=True, slots=True)
class Target:
    kind: K
    spec: Mapping[str, Any]
    service_id: uuid.UUID | None = None
    """The post-mortem's service (a test case is the service's)."""


def _key(t: Target) -> str:
    s = t.spec
    match t.kind:
        case K.DOCUMENTATION_TEMPLATE | K.READINESS_CHECKLIST_ITEM:
            return str(s["template_key"])
        case K.PIPELINE_GATE:
            return str(s["pipeline_key"])
        case K.TEST_CASE:
            return str(s["test_name"])
        case K.GUARDRAIL_VALUE:
            return str(s["key"])


def _holds(t: Target, v: Version, strictness: Strictness | None) -> bool:
    s = t.spec
    match t.kind:
        case K.DOCUMENTATION_TEMPLATE | K.READINESS_CHECKLIST_ITEM:
            return str(s["item_key"]) in v.holds
        case K.PIPELINE_GATE:
            return str(s["gate"]) in v.holds
        case K.TEST_CASE:
            return v.service_id is not None and v.service_id == t.service_id
        case K.GUARDRAIL_VALUE:
            key = str(s["key"])
            if v.values is None or key not in v.values or strictness is None:
                return False
            return at_least_as_strict(strictness, v.values[key], s["value"])


def verifying(
    target: Target,
    since: datetime,
    versions: Sequence[Version],
    strictness: Strictness | None = None,
) -> Version | None:
    """The first version made at or after `since` (the action item's creation) that contains
    the change the target names, or None: a change older than the item does not close it."""
    keyed = target.kind != K.GUARDRAIL_VALUE
    for v in sorted(versions, key=lambda v: (v.at, str(v.id))):
        if v.at < since or (keyed and v.key != _key(target)):
            continue
        if _holds(target, v, strictness):
            return v
    return None
