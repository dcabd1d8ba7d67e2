"""The governance context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class ReleaseStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    DEPLOYING = "deploying"
    DEPLOYED = "deployed"
    ROLLED_BACK = "rolled_back"
    CANCELLED = "cancelled"


class ReleaseType(StrEnum):
    STANDARD = "standard"
    MAJOR = "major"
    HOTFIX = "hotfix"


class VoteChoice(StrEnum):
    GO = "go"
    NO_GO = "no_go"
    ABSTAIN = "abstain"


class SessionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SessionOutcome(StrEnum):
    GO = "go"
    NO_GO = "no_go"
    NO_QUORUM = "no_quorum"
