"""The questionnaire as data: the built-in version every BU starts from, and the checks a
version must pass before a BU admin publishes it (pure: plain values in, a refusal or the
normalized dimensions out). An assessment records the version it answered, so an auditor reads
each answer against the descriptions the team saw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.insights.maturity_errors import MaturityErrorCode as Code
from domain.insights.maturity_rules import DEFAULT_GAP_THRESHOLD, GAP_THRESHOLDS, LEVELS
from domain.insights.maturity_vocabulary import Dimension
from domain.kernel.errors import DomainError
from domain.kernel.rules import trimmed

BUILT_IN_NUMBER = 1
"""The built-in questionnaire is version 1 of every BU; a BU's first published one is 2."""

BUILT_IN: list[dict[str, Any]] = [
    {
        "dimension": "governance",
        "title": "Governance",
        "levels": [
            "Approvals are ad hoc; nobody can say who signed what.",
            "Sign-offs exist but are collected by hand, often after the change.",
            "Every production change is signed off in Signalbox before it goes.",
            "Sign-off rules follow risk; low-risk changes flow without waiting.",
            "Controls are tuned from data each quarter; bypasses are rare and reviewed.",
        ],
    },
    {
        "dimension": "automation",
        "title": "Automation",
        "levels": [
            "Deployments are manual, from someone's machine.",
            "Scripts exist; a person runs them step by step.",
            "CI builds and deploys; some steps still need a person.",
            "Every production deployment is driven by the pipeline.",
            "Deployments, rollbacks and promotions are fully automated and routine.",
        ],
    },
    {
        "dimension": "testing",
        "title": "Testing",
        "levels": [
            "Testing is manual, before big releases.",
            "Some unit tests; coverage unknown.",
            "Unit and integration tests run on every change.",
            "Contract, end-to-end and performance tests gate promotion.",
            "Escaped defects feed new automated tests within the sprint.",
        ],
    },
    {
        "dimension": "readiness",
        "title": "Production readiness",
        "levels": [
            "Readiness is assumed.",
            "A checklist is filled in for major launches.",
            "Readiness reviews are signed before production for every release.",
            "NFRs are validated in staging against production-like volumes.",
            "Readiness evidence is gathered automatically; emergencies are the exception.",
        ],
    },
    {
        "dimension": "observability",
        "title": "Observability",
        "levels": [
            "We learn of problems from users.",
            "Basic dashboards exist for some services.",
            "Every service has alerts and dashboards; reviews look at them after release.",
            "Post-release reviews are closed on time with metrics and journeys.",
            "Deviations roll back automatically from real signals.",
        ],
    },
    {
        "dimension": "recovery",
        "title": "Recovery",
        "levels": [
            "Recovery is improvised.",
            "Rollback is possible but manual and rarely practised.",
            "Rollback is one step; DR procedures are written.",
            "DR procedures are tested on schedule; restore is within hours.",
            "Service is restored within the hour; recovery is rehearsed.",
        ],
    },
    {
        "dimension": "learning",
        "title": "Learning",
        "levels": [
            "Incidents are closed and forgotten.",
            "Post-mortems are written for big incidents.",
            "Blameless post-mortems with action items for every severe incident.",
            "Action items are closed and verified; reviews happen on time.",
            "Retrospectives change our controls; the numbers show it.",
        ],
    },
]


@dataclass(frozen=True, slots=True)
class Version:
    """The questionnaire a team answers: the BU's latest published one, or the built-in."""

    id: Any
    number: int
    dimensions: tuple[str, ...]
    gap_threshold: int


BUILT_IN_VERSION = Version(
    None, BUILT_IN_NUMBER, tuple(d["dimension"] for d in BUILT_IN), DEFAULT_GAP_THRESHOLD
)


def dimension_named(value: str, field: str) -> Dimension:
    try:
        return Dimension(value.strip().lower())
    except ValueError:
        raise DomainError(
            f"{value!r} is not a dimension ({', '.join(d.value for d in Dimension)}).",
            code=Code.UNKNOWN_DIMENSION,
            field=field,
        ) from None


def _text(value: str, most: int, field: str) -> str:
    return trimmed(
        value, 1, most, f"{field} is 1 to {most} characters.", code=Code.INVALID_TEXT, field=field
    )


def checked_dimensions(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A published version's dimensions, checked: known, each once, five level descriptions."""
    if not items:
        raise DomainError(
            "A questionnaire asks about at least one dimension.",
            code=Code.NO_DIMENSIONS,
            field="dimensions",
        )
    seen: set[Dimension] = set()
    out = []
    for n, item in enumerate(items):
        dimension = dimension_named(item["dimension"], f"dimensions.{n}.dimension")
        if dimension in seen:
            raise DomainError(
                f"{dimension.value} is asked twice.",
                code=Code.DUPLICATE_DIMENSION,
                field=f"dimensions.{n}.dimension",
            )
        seen.add(dimension)
        levels = list(item["levels"])
        if len(levels) != len(LEVELS):
            raise DomainError(
                f"Describe each of the {len(LEVELS)} levels of {dimension.value}, level 1 first.",
                code=Code.LEVELS_INCOMPLETE,
                field=f"dimensions.{n}.levels",
            )
        out.append(
            {
                "dimension": dimension.value,
                "title": _text(item["title"], 100, f"dimensions.{n}.title"),
                "levels": [_text(t, 500, f"dimensions.{n}.levels") for t in levels],
            }
        )
    return out


def checked_gap_threshold(value: int) -> int:
    if value not in GAP_THRESHOLDS:
        raise DomainError(
            f"The gap threshold is {GAP_THRESHOLDS.start} to {GAP_THRESHOLDS.stop - 1} levels.",
            code=Code.INVALID_GAP_THRESHOLD,
            field="gapThreshold",
        )
    return value


def checked_answers(answers: Sequence[tuple[str, int]], version: Version) -> dict[str, int]:
    """Answers to a version: each of its dimensions once, at a level 1 to 5."""
    out: dict[str, int] = {}
    for n, (name, level) in enumerate(answers):
        dimension = dimension_named(name, f"answers.{n}.dimension")
        if dimension.value not in version.dimensions:
            raise DomainError(
                f"Questionnaire version {version.number} does not ask about {dimension.value}.",
                code=Code.UNKNOWN_DIMENSION,
                field=f"answers.{n}.dimension",
            )
        if dimension.value in out:
            raise DomainError(
                f"{dimension.value} is answered twice.",
                code=Code.DUPLICATE_DIMENSION,
                field=f"answers.{n}.dimension",
            )
        if level not in LEVELS:
            raise DomainError(
                f"A level is {LEVELS.start} to {LEVELS.stop - 1}.",
                code=Code.LEVEL_OUT_OF_RANGE,
                field=f"answers.{n}.level",
            )
        out[dimension.value] = level
    missing = [d for d in version.dimensions if d not in out]
    if missing:
        raise DomainError(
            f"Answer every dimension of the questionnaire: {', '.join(missing)} missing.",
            code=Code.DIMENSION_NOT_ANSWERED,
            field="answers",
        )
    return out
