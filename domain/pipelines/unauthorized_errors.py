"""Error codes owned by the link from production deployments to their promotions and by the
review of unauthorized changes."""

from __future__ import annotations

from enum import StrEnum


class UnauthorizedChangeErrorCode(StrEnum):
    PROMOTION_MISMATCH = "PROMOTION_MISMATCH"
    """The named promotion is of another service, version or environment."""
    RELEASE_MISMATCH = "RELEASE_MISMATCH"
    """The named promotion carries out another release than the one named."""
    ALREADY_REVIEWED = "ALREADY_REVIEWED"
    SELF_REVIEW = "SELF_REVIEW"
    """The deployer of an unauthorized change does not review it."""
    INVALID_FINDING = "INVALID_FINDING"
    PRODUCTION_UNAUTHORIZED = "PRODUCTION_UNAUTHORIZED"
    """A release has an unauthorized production change still awaiting review."""
    PRODUCTION_NOT_PROMOTED = "PRODUCTION_NOT_PROMOTED"
    """A release names production, but a service of it has no production deployment linked to
    an allowed promotion of the release (nor a reviewed unauthorized change)."""
