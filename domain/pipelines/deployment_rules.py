"""Pure rules of deployments: plans, and when a step may advance (health: health_rules.py).

Plans
- CANARY: 1 to 20 steps [{weight, dwellMinutes}], weights (percent of live traffic on the new
  version) strictly ascending within 1..100, the last one 100; dwell 0..10080 minutes. To
  production, the steps on part of the traffic (weight below 100) dwell, in total, at least the
  `canary_minutes` the risk level of the release requires (`check_canary_minutes`): a total,
  not per step, so a team may watch a small slice long and a large one briefly.
- BLUE_GREEN: three steps: DEPLOY_GREEN (weight 0), VERIFY (weight 0, dwell = verification
  time), SWITCH (weight 100, dwell = how long the switch is watched). Switching back is the
  rollback, possible at any moment until the deployment succeeds.

Advancing needs the newest analysis of the current step to say ADVANCE and the step's dwell
time to have passed since the step started; advancing past the last step succeeds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.kernel.errors import DomainError
from domain.kernel.rules import matching, trimmed, within
from domain.pipelines.deployment_errors import DeploymentErrorCode as Code
from domain.pipelines.vocabulary import DeploymentStatus, StepKind, Verdict

MAX_STEPS = 20
MAX_DWELL_MINUTES = 7 * 24 * 60
MAX_REASON_CHARS = 2000
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")
DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    weight: int
    dwell_minutes: int

    def as_json(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "weight": self.weight, "dwellMinutes": self.dwell_minutes}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Step:
        return cls(StepKind(value["kind"]), int(value["weight"]), int(value["dwellMinutes"]))


# -- plans ---------------------------------------------------------------------------------


def check_version(version: str) -> str:
    message = "An artifact version is 1-128 letters, digits, '.', '_', '+' or '-'."
    return matching(
        version.strip(),
        VERSION_PATTERN.match,
        message,
        code=Code.INVALID_ARTIFACT_VERSION,
        field="artifactVersion",
    )


def check_digest(digest: str | None) -> str | None:
    message = "A digest is sha256:<64 lowercase hex digits>."
    return matching(
        digest, DIGEST_PATTERN.match, message, code=Code.INVALID_DIGEST, field="artifactDigest"
    )


def _check_dwell(minutes: int, field: str) -> int:
    message = f"A dwell time is 0 to {MAX_DWELL_MINUTES} minutes."
    return within(minutes, 0, MAX_DWELL_MINUTES, message, code=Code.INVALID_DWELL, field=field)


def canary_plan(steps: Sequence[tuple[int, int]]) -> list[Step]:
    """Canary steps (weight, dwell minutes), validated."""
    if not 1 <= len(steps) <= MAX_STEPS:
        raise DomainError(
            f"A canary plan has 1 to {MAX_STEPS} steps.",
            code=Code.INVALID_STEPS,
            field="canarySteps",
        )
    plan = []
    previous = 0
    for weight, dwell in steps:
        if not 1 <= weight <= 100:
            raise DomainError(
                "A canary weight is a percentage of traffic, 1 to 100.",
                code=Code.INVALID_WEIGHT,
                field="canarySteps",
            )
        if weight <= previous:
            raise DomainError(
                "Canary weights rise from step to step.",
                code=Code.WEIGHTS_NOT_ASCENDING,
                field="canarySteps",
            )
        previous = weight
        plan.append(Step(StepKind.CANARY, weight, _check_dwell(dwell, "canarySteps")))
    if previous != 100:
        raise DomainError(
            "The last canary step takes all traffic (weight 100).",
            code=Code.LAST_STEP_NOT_FULL,
            field="canarySteps",
        )
    return plan


def canary_minutes(plan: Sequence[Step]) -> int:
    """How long a canary plan keeps the new version on part of the traffic, in minutes."""
    return sum(s.dwell_minutes for s in plan if s.kind == StepKind.CANARY and s.weight < 100)


def check_canary_minutes(plan: Sequence[Step], level: str, minimum: int) -> None:
    """Refuse a production canary shorter in total than its risk level requires."""
    dwelt = canary_minutes(plan)
    if dwelt < minimum:
        raise DomainError(
            f"A {level}-risk production canary dwells at least {minimum} minutes in total on "
            f"part of the traffic (the steps below weight 100); this plan dwells {dwelt}.",
            code=Code.CANARY_TOO_SHORT,
            field="canarySteps",
        )


def blue_green_plan(verify_minutes: int, switch_dwell_minutes: int) -> list[Step]:
    """Deploy green, verify it for a while, switch all traffic, watch the switch."""
    return [
        Step(StepKind.DEPLOY_GREEN, 0, 0),
        Step(StepKind.VERIFY, 0, _check_dwell(verify_minutes, "verifyMinutes")),
        Step(StepKind.SWITCH, 100, _check_dwell(switch_dwell_minutes, "switchDwellMinutes")),
    ]


def check_reason(reason: str) -> str:
    message = f"Say why, in 1 to {MAX_REASON_CHARS} characters."
    return trimmed(reason, 1, MAX_REASON_CHARS, message, code=Code.INVALID_REASON, field="reason")


# -- progress --------------------------------------------------------------------------------


def dwell_remaining(
    step_started_at: datetime | None, dwell_minutes: int, now: datetime
) -> timedelta:
    """How long the current step must still dwell (zero when over)."""
    if step_started_at is None:
        return timedelta(minutes=dwell_minutes)
    left = step_started_at + timedelta(minutes=dwell_minutes) - now
    return max(left, timedelta(0))


def dwell_left(
    status: str, step_started_at: datetime | None, dwell_minutes: int, now: datetime
) -> timedelta:
    """The dwell a deployment's current step still has: none once it has ended (rolled back
    or succeeded), since nothing will advance any more."""
    if status in (DeploymentStatus.ROLLED_BACK, DeploymentStatus.SUCCEEDED):
        return timedelta(0)
    return dwell_remaining(step_started_at, dwell_minutes, now)


def check_advance(
    status: str, latest: Verdict | None, step_started_at: datetime | None, step: Step, now: datetime
) -> None:
    """Refuse advancing unless under way, analysed as ADVANCE, and the dwell is over."""
    if status not in (DeploymentStatus.IN_PROGRESS, DeploymentStatus.HOLDING):
        raise DomainError(f"The deployment is {status}, not under way.", code=Code.NOT_IN_PROGRESS)
    if latest is None:
        raise DomainError(
            "The current step has no health report yet; report its metrics first.",
            code=Code.ANALYSIS_MISSING,
        )
    if latest != Verdict.ADVANCE:
        raise DomainError(
            f"The newest analysis of the current step says {latest.upper()}, not ADVANCE.",
            code=Code.ANALYSIS_NOT_ADVANCE,
        )
    left = dwell_remaining(step_started_at, step.dwell_minutes, now)
    if left > timedelta(0):
        raise DomainError(
            f"The step dwells {step.dwell_minutes} minutes; {math.ceil(left.total_seconds())} "
            "seconds are left.",
            code=Code.DWELL_NOT_OVER,
        )


class ArgoStatus(StrEnum):
    SUCCESSFUL = "successful"
    RUNNING = "running"
    FAILED = "failed"


def argo_status(status: str, latest: Verdict | None) -> ArgoStatus:
    """What Argo Rollouts' web metric reads: successful, running (inconclusive) or failed."""
    if status == DeploymentStatus.ROLLED_BACK or latest == Verdict.ROLL_BACK:
        return ArgoStatus.FAILED
    if status == DeploymentStatus.SUCCEEDED or latest == Verdict.ADVANCE:
        return ArgoStatus.SUCCESSFUL
    return ArgoStatus.RUNNING


WATCHED_AFTER = timedelta(hours=24)
"""How long after a deployment succeeded alerts against it are still its own: recorded for its
post-release review and post-mortems (the 24-hour review's window), never rolled back."""


def watched(status: str, finished_at: datetime | None, alert_starts_at: datetime) -> bool:
    """Whether an alert that started firing then belongs to a deployment that succeeded: it
    finished before the alert, at most WATCHED_AFTER before."""
    if status != DeploymentStatus.SUCCEEDED or finished_at is None:
        return False
    return finished_at <= alert_starts_at <= finished_at + WATCHED_AFTER
