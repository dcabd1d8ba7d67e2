"""Inputs of the policy-iteration use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class RecordRetrospective:
    team_id: uuid.UUID
    held_on: date
    title: str
    notes: str = ""
    outcomes: str = ""


@dataclass(frozen=True, slots=True)
class CreateProposal:
    """A draft: where it came from, what it changes (kind, scope, tier, key), to what, why."""

    origin_kind: str
    origin_id: uuid.UUID
    target_kind: str
    scope: str
    key: str
    value: Any
    rationale: str
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class DecideProposal:
    """Submit, approve, reject or apply: the proposal at the version the caller saw."""

    proposal_id: uuid.UUID
    version: int
    reason: str = ""
