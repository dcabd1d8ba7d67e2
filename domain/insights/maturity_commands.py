"""Inputs of the maturity use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Answer:
    dimension: str
    level: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class SubmitAssessment:
    team_id: uuid.UUID
    quarter: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class ReviseAssessment:
    assessment_id: uuid.UUID
    version: int
    answers: tuple[Answer, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class DimensionText:
    dimension: str
    title: str
    levels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublishQuestionnaire:
    bu_id: uuid.UUID
    dimensions: tuple[DimensionText, ...]
    gap_threshold: int
    note: str = ""
