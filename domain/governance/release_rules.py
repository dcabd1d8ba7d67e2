"""Pure rules of a release: the lifecycle table and the shape of what a release names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.vocabulary import ReleaseStatus, ReleaseType
from domain.kernel.access import Action
from domain.kernel.errors import DomainError
from domain.kernel.rules import choice as choice  # one rule for every context
from domain.kernel.rules import matching, trimmed
from domain.kernel.vocabulary import ChangeType
from domain.organization import rules as org_rules

S = ReleaseStatus

TRANSITIONS: dict[ReleaseStatus, dict[ReleaseStatus, Action]] = {
    S.DRAFT: {S.SUBMITTED: Action.SUBMIT, S.CANCELLED: Action.APPROVE},
    S.SUBMITTED: {
        S.APPROVED: Action.APPROVE,
        S.REJECTED: Action.APPROVE,
        S.CANCELLED: Action.APPROVE,
    },
    S.APPROVED: {S.SCHEDULED: Action.APPROVE, S.CANCELLED: Action.APPROVE},
    S.SCHEDULED: {S.DEPLOYING: Action.DEPLOY, S.CANCELLED: Action.APPROVE},
    S.DEPLOYING: {
        S.DEPLOYED: Action.DEPLOY,
        S.ROLLED_BACK: Action.DEPLOY,
        S.CANCELLED: Action.APPROVE,
    },
    S.REJECTED: {},
    S.DEPLOYED: {},
    S.ROLLED_BACK: {},
    S.CANCELLED: {},
}
"""The lifecycle, in one table: from → to → the permission the move takes.

Approving, rejecting, scheduling and cancelling are the release manager's `release/approve`;
starting, completing and rolling back a deployment report progress (`release/deploy`, SRE
and CI among others; editing a draft is `release/update`, which they do not hold). Rejected,
deployed, rolled back and cancelled are final.
"""

GOES_LIVE: frozenset[ReleaseStatus] = frozenset({S.APPROVED, S.SCHEDULED, S.DEPLOYING})
"""The lifecycle states in which a release's changes may reach production: approved or
further along, not yet finished."""


def may_go_live(status: str) -> bool:
    """Whether a release in `status` may take its changes to production (its lifecycle's say;
    the promotion decision's `release_status` gate)."""
    return status in GOES_LIVE


FINAL = frozenset(s for s, moves in TRANSITIONS.items() if not moves)

PERMISSION: dict[ReleaseStatus, Action] = {
    to: action for moves in TRANSITIONS.values() for to, action in moves.items()
}
"""Each target takes one permission wherever the move starts (checked by a test)."""


def permission_for(target: ReleaseStatus) -> Action:
    """The permission a move to `target` takes; asked before the move itself is judged."""
    return PERMISSION[target]


ENVIRONMENT_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
ARTIFACT_VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+:@/-]{0,127}$")


def transition(current: str, target: ReleaseStatus) -> Action:
    """The permission a move from `current` to `target` takes, or ILLEGAL_TRANSITION."""
    action = TRANSITIONS[ReleaseStatus(current)].get(target)
    if action is None:
        raise DomainError(
            f"A release cannot go from {current} to {target}.",
            code=Code.ILLEGAL_TRANSITION,
            field="status",
        )
    return action


TITLE_MAX = 200


def check_title(title: str) -> str:
    message = f"A title needs 1 to {TITLE_MAX} characters."
    return trimmed(title, 1, TITLE_MAX, message, code=Code.INVALID_TITLE, field="title")


def check_release_type(value: str) -> str:
    return choice(ReleaseType, value, Code.INVALID_RELEASE_TYPE, "releaseType")


def check_change_types(values: Iterable[str]) -> list[str]:
    return sorted({choice(ChangeType, v, Code.INVALID_CHANGE_TYPE, "changeTypes") for v in values})


def check_environments(values: Iterable[str]) -> list[str]:
    out = sorted({v.strip().lower() for v in values})
    for env in out:
        if not ENVIRONMENT_PATTERN.match(env):
            raise DomainError(
                f"'{env}' is not an environment name such as production.",
                code=Code.INVALID_ENVIRONMENT,
                field="environments",
            )
    return out


def check_regions(values: Iterable[str]) -> list[str]:
    try:
        return org_rules.check_regions(values)
    except DomainError as exc:
        raise DomainError(exc.message, code=Code.INVALID_REGION, field="regions") from None


def check_artifact_version(value: str) -> str:
    value = value.strip()
    return matching(
        value,
        ARTIFACT_VERSION_PATTERN.match,
        f"'{value}' is not an artifact version such as 1.4.2 or sha256:ab12.",
        code=Code.INVALID_ARTIFACT_VERSION,
        field="services.artifactVersion",
    )


def check_window(start: datetime | None, end: datetime | None) -> None:
    """Both ends or neither; the window ends after it starts."""
    if (start is None) != (end is None):
        raise DomainError(
            "A planned window has a start and an end.", code=Code.INVALID_WINDOW, field="plannedEnd"
        )
    if start is not None and end is not None and end <= start:
        raise DomainError(
            "A planned window ends after it starts.", code=Code.INVALID_WINDOW, field="plannedEnd"
        )


def require_window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    if start is None or end is None:
        raise DomainError(
            "Plan the deployment window (plannedStart and plannedEnd) before scheduling.",
            code=Code.WINDOW_REQUIRED,
            field="plannedStart",
        )
    return start, end
