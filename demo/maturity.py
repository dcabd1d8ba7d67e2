"""Quarterly maturity assessments in payments: the BU published its own questionnaire two
quarters ago (the gap threshold kept at 2), and its three teams assessed themselves each of
the last four quarters, one of them revised after a retrospective. The current quarter's
answers sit beside the telemetry the rest of the demo recorded (CD's deployments, sign-offs,
bypasses, the 24-hour reviews): where a team rates itself two levels or more above what the
platform recorded, the gap is flagged.

Earlier quarters are submitted with the clock set inside them, as the teams did then, so each
record says when it was made (domain.kernel.clock.FixedClock)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.insights import maturity_service as maturity
from domain.insights.maturity_commands import (
    Answer,
    DimensionText,
    PublishQuestionnaire,
    ReviseAssessment,
    SubmitAssessment,
)
from domain.insights.maturity_questionnaire import BUILT_IN
from domain.insights.maturity_rules import Quarter
from domain.kernel.clock import FixedClock

if TYPE_CHECKING:
    from api.runtime import Runtime

DIMENSIONS = ("governance", "automation", "testing", "readiness", "observability", "recovery")
# team -> who answers -> levels per quarter, oldest first (three quarters ago … this quarter),
# in the order of DIMENSIONS plus learning
ANSWERS: dict[str, tuple[str, list[tuple[int, ...]]]] = {
    "acquiring": (
        "engineer",
        [
            (2, 2, 2, 2, 2, 2, 2),
            (3, 3, 2, 3, 2, 2, 3),
            (3, 4, 3, 3, 3, 3, 3),
            (4, 5, 4, 4, 5, 4, 5),
        ],
    ),
    "payouts": (
        "sre",
        [
            (3, 2, 2, 3, 3, 3, 2),
            (3, 3, 3, 3, 3, 3, 3),
            (3, 3, 3, 4, 4, 4, 3),
            (4, 3, 3, 4, 4, 4, 4),
        ],
    ),
    "ledger": (
        "payments-admin",
        [
            (4, 2, 3, 3, 2, 3, 2),
            (4, 3, 3, 3, 3, 3, 3),
            (4, 3, 4, 3, 3, 3, 3),
            (5, 4, 4, 4, 4, 3, 4),
        ],
    ),
}
REVISED = ("payouts", 2, (3, 3, 3, 3, 3, 3, 3), "The retrospective found our DR tests lapsed.")
"""Payouts revised last quarter's answer after its retrospective: recovery down to 3."""


def _answers(levels: tuple[int, ...]) -> tuple[Answer, ...]:
    names = (*DIMENSIONS, "learning")
    return tuple(Answer(n, level) for n, level in zip(names, levels, strict=True))


def _questionnaire(cast: Cast) -> PublishQuestionnaire:
    """The built-in questionnaire with payments' own words for governance."""
    dimensions = []
    for d in BUILT_IN:
        levels = tuple(d["levels"])
        if d["dimension"] == "governance":
            levels = (
                *levels[:2],
                "Every production change is signed off in Signalbox, PCI scope included.",
                *levels[3:],
            )
        dimensions.append(DimensionText(d["dimension"], d["title"], levels))
    return PublishQuestionnaire(
        cast.bus["payments"],
        tuple(dimensions),
        gap_threshold=2,
        note="Payments wording for PCI scope (governance level 3).",
    )


async def load_maturity(runtime: Runtime, cast: Cast) -> None:
    """Four quarters of self-assessments of payments' teams, this one the last."""
    now = runtime.clock.now()
    current = Quarter.of(now)
    quarters = [current.previous.previous.previous, current.previous.previous, current.previous]
    published = _questionnaire(cast)
    for n, quarter in enumerate([*quarters, current]):
        opened = quarter.start + timedelta(days=20, hours=10)
        at = runtime.units.at(FixedClock(min(opened, now - timedelta(hours=1))))
        if n == 1:
            await at.run(
                lambda uow: maturity.publish_questionnaire(uow, published),
                actor=cast.actor("payments-admin"),
            )
        for team, (who, levels) in ANSWERS.items():
            c = SubmitAssessment(cast.teams[team], str(quarter), _answers(levels[n]))
            made = await at.run(
                lambda uow, c=c: maturity.submit_assessment(uow, c), actor=cast.actor(who)
            )
            if (team, n) == REVISED[:2]:
                later = runtime.units.at(FixedClock(quarter.end - timedelta(days=10)))
                r = ReviseAssessment(made.id, made.version, _answers(REVISED[2]), REVISED[3])
                await later.run(
                    lambda uow, r=r: maturity.revise_assessment(uow, r), actor=cast.actor(who)
                )
