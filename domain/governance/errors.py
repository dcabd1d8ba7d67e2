"""Error codes owned by the governance context, and the refusals that carry data."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from domain.kernel.errors import DomainError
from domain.kernel.integrity import Duplicate, refuse_duplicates


class GovernanceErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_KEY = "INVALID_KEY"
    INVALID_NAME = "INVALID_NAME"
    INVALID_RELEASE_TYPE = "INVALID_RELEASE_TYPE"
    INVALID_CHANGE_TYPE = "INVALID_CHANGE_TYPE"
    INVALID_ENVIRONMENT = "INVALID_ENVIRONMENT"
    INVALID_REGION = "INVALID_REGION"
    INVALID_TIER = "INVALID_TIER"
    INVALID_DATA_CLASSIFICATION = "INVALID_DATA_CLASSIFICATION"
    INVALID_DISCIPLINE = "INVALID_DISCIPLINE"
    INVALID_WINDOW = "INVALID_WINDOW"
    WINDOW_REQUIRED = "WINDOW_REQUIRED"
    INVALID_ARTIFACT_VERSION = "INVALID_ARTIFACT_VERSION"
    DUPLICATE_SERVICE = "DUPLICATE_SERVICE"
    SERVICES_REQUIRED = "SERVICES_REQUIRED"
    INVALID_SECTIONS = "INVALID_SECTIONS"
    INVALID_DOCUMENTATION = "INVALID_DOCUMENTATION"
    INVALID_BOARD_RULE = "INVALID_BOARD_RULE"
    INVALID_CONDITION = "INVALID_CONDITION"
    INVALID_VALIDITY = "INVALID_VALIDITY"
    KEY_TAKEN = "KEY_TAKEN"
    DOCUMENTATION_INCOMPLETE = "DOCUMENTATION_INCOMPLETE"
    SIGN_OFF_MISSING = "SIGN_OFF_MISSING"
    SIGN_OFF_NOT_REQUIRED = "SIGN_OFF_NOT_REQUIRED"
    SIGN_OFF_ALREADY_REVOKED = "SIGN_OFF_ALREADY_REVOKED"
    NOT_AN_APPROVER = "NOT_AN_APPROVER"
    FROZEN = "FROZEN"
    BOARD_NOT_IN_SCOPE = "BOARD_NOT_IN_SCOPE"
    NOT_SUBMITTED = "NOT_SUBMITTED"
    SESSION_ALREADY_OPEN = "SESSION_ALREADY_OPEN"
    SESSION_CLOSED = "SESSION_CLOSED"
    GO_NO_GO_OPEN = "GO_NO_GO_OPEN"
    NOT_A_MEMBER = "NOT_A_MEMBER"
    CONFLICT_OF_INTEREST = "CONFLICT_OF_INTEREST"
    RATIONALE_REQUIRED = "RATIONALE_REQUIRED"
    OWNER_REQUIRED = "OWNER_REQUIRED"
    NOT_CLONEABLE = "NOT_CLONEABLE"
    # The release search (domain/read/release_search.py) refuses these, as top-level errors.
    SEARCH_TEXT_TOO_LONG = "SEARCH_TEXT_TOO_LONG"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    UNKNOWN_SORT = "UNKNOWN_SORT"
    TOO_MANY_VALUES = "TOO_MANY_VALUES"
    CURSOR_SORT_MISMATCH = "CURSOR_SORT_MISMATCH"


class DocumentationIncomplete(DomainError):
    """Submit refused: `missing` lists every (template, section, field) still to fill in."""

    code = GovernanceErrorCode.DOCUMENTATION_INCOMPLETE

    def __init__(self, missing: Sequence[Any]) -> None:
        self.missing = list(missing)
        names = ", ".join(f"{m.template_key}/{m.section}/{m.field}" for m in self.missing[:10])
        more = f" and {len(self.missing) - 10} more" if len(self.missing) > 10 else ""
        super().__init__(f"The documentation is incomplete: missing {names}{more}.")


class SignOffMissing(DomainError):
    """Approval refused: `outstanding` lists the required sign-offs that are missing or expired."""

    code = GovernanceErrorCode.SIGN_OFF_MISSING

    def __init__(self, outstanding: Sequence[Any]) -> None:
        self.outstanding = list(outstanding)
        names = ", ".join(f"{s.requirement} ({s.discipline}, {s.status})" for s in self.outstanding)
        super().__init__(f"Required sign-offs are missing or expired: {names}.")


class Frozen(DomainError):
    """Scheduling refused: the planned window falls into binding freezes (`hits`)."""

    code = GovernanceErrorCode.FROZEN

    def __init__(self, hits: Sequence[Any]) -> None:
        self.hits = list(hits)
        names = "; ".join(
            f"{h.title} ({h.occurrence_start.isoformat()} to {h.occurrence_end.isoformat()})"
            for h in self.hits
        )
        super().__init__(f"The planned window falls into a freeze: {names}.", field="plannedStart")


refuse_duplicates(
    {
        "uq_boards_domain_key": Duplicate(
            GovernanceErrorCode.KEY_TAKEN, "A board with this key exists.", "key"
        ),
        "uq_sign_off_rules_key": Duplicate(
            GovernanceErrorCode.KEY_TAKEN, "A sign-off rule with this key exists.", "key"
        ),
        "uq_document_templates_domain_key_version": Duplicate(
            GovernanceErrorCode.KEY_TAKEN, "The template exists; revise it instead.", "key"
        ),
    }
)
