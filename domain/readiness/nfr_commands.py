"""Inputs of the NFR use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.readiness.nfr_vocabulary import NfrRunSource


@dataclass(frozen=True, slots=True)
class NfrInput:
    """One NFR a service declares: a standard key with its target (unit and comparison are the
    standard's), or a custom key with its name, unit and comparison."""

    key: str
    target: float
    name: str | None = None
    unit: str | None = None
    comparison: str | None = None


@dataclass(frozen=True, slots=True)
class SetServiceNfrs:
    """The service's whole declared set (an empty one drops its own NFRs)."""

    service_id: uuid.UUID
    nfrs: tuple[NfrInput, ...]


@dataclass(frozen=True, slots=True)
class RecordNfrRun:
    """A staging run's figures (by NFR key) for one artifact version."""

    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    name: str
    finished_at: datetime
    figures: tuple[tuple[str, float], ...]
    url: str | None = None
    source: NfrRunSource = NfrRunSource.GRAPHQL
