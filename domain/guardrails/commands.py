"""Inputs of the guardrails use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Origin = Mapping[str, str]
"""What asked for a change (plain ids: a policy proposal and the retrospective or post-mortem
it came from), kept with the version it makes."""


@dataclass(frozen=True, slots=True)
class SaveCore:
    """Changes to the core: key → value; a nullable key (allowed_licences) may be null."""

    values: Any
    version: int
    note: str
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class SaveProfile:
    """Changes to a tier profile: key → value; null removes the profile's value."""

    tier: str
    values: Any
    version: int
    note: str
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class SaveBusinessUnitSet:
    """Changes to a BU's set: key → value; null removes the BU's tightening."""

    bu_id: uuid.UUID
    values: Any
    version: int
    note: str
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class CompleteOnboardingItem:
    team_id: uuid.UUID
    item: str
    version: int
    evidence_url: str | None = None
    evidence_note: str = ""


@dataclass(frozen=True, slots=True)
class ReopenOnboardingItem:
    team_id: uuid.UUID
    item: str
    version: int
    reason: str = ""
