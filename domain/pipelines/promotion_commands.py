"""Inputs of the promotion use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class PromotionErrorCode(StrEnum):
    INVALID_ARTIFACT_VERSION = "INVALID_ARTIFACT_VERSION"
    INVALID_CHANGE = "INVALID_CHANGE"
    TOO_MANY_CHANGES = "TOO_MANY_CHANGES"
    UNKNOWN_PERSON = "UNKNOWN_PERSON"
    SOD_REQUESTER = "SOD_REQUESTER"
    SOD_AUTHOR = "SOD_AUTHOR"
    SOD_REVIEWER = "SOD_REVIEWER"
    ALREADY_APPROVED = "ALREADY_APPROVED"
    PROMOTION_CANCELLED = "PROMOTION_CANCELLED"
    PROMOTION_PROMOTED = "PROMOTION_PROMOTED"
    PROMOTION_EXPIRED = "PROMOTION_EXPIRED"
    PROMOTION_NOT_WAITING = "PROMOTION_NOT_WAITING"
    NOTE_TOO_LONG = "NOTE_TOO_LONG"
    REASON_TOO_LONG = "REASON_TOO_LONG"


@dataclass(frozen=True, slots=True)
class Change:
    """A change in the promotion (commit or pull request) and who wrote and reviewed it, by
    username (as CI knows them)."""

    ref: str
    authors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AskPromotion:
    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    release_id: uuid.UUID | None = None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True, slots=True)
class ApprovePromotion:
    promotion_id: uuid.UUID
    version: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class CancelPromotion:
    promotion_id: uuid.UUID
    version: int
    reason: str = ""
