"""The governance context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class ReleaseStatus(StrEnum):
    """Where a release is in its lifecycle."""

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
    """The kind of release."""

    STANDARD = "standard"
    MAJOR = "major"
    HOTFIX = "hotfix"


class VoteChoice(StrEnum):
    """A board member's vote."""

    GO = "go"
    NO_GO = "no_go"
    ABSTAIN = "abstain"


class SessionStatus(StrEnum):
    """Whether votes are still taken."""

    OPEN = "open"
    CLOSED = "closed"


class SessionOutcome(StrEnum):
    """What a go/no-go session decided."""

    GO = "go"
    NO_GO = "no_go"
    NO_QUORUM = "no_quorum"
