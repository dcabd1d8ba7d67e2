"""Pure rules of onboarding: which required items a team's checklist lacks, and the gate.

A team's checklist comes in as `OnboardingFacts` (domain.guardrails.facts reads them); the
required items are the guardrail `onboarding_requirements` in force for a team (its BU's) or
for a service (its own, tier profile included). The answer is gate "onboarding".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.kernel.gates import GateOutcome, failed, passed

GATE = "onboarding"
REQUIREMENT = "onboarding_requirements"


@dataclass(frozen=True, slots=True)
class Evidence:
    item: str
    url: str | None
    note: str
    completed_at: str
    completed_by_id: str | None

    def facts(self) -> dict[str, Any]:
        return {
            "evidenceUrl": self.url,
            "evidenceNote": self.note,
            "completedAt": self.completed_at,
            "completedById": self.completed_by_id,
        }


@dataclass(frozen=True, slots=True)
class OnboardingFacts:
    """A team's onboarding checklist: its completed items with their evidence."""

    team_id: uuid.UUID
    team_key: str
    bu_id: uuid.UUID
    done: Mapping[str, Evidence] = field(default_factory=dict)


def access_outcome(
    who: str, required: Iterable[str], done: Mapping[str, Evidence], **facts: Any
) -> GateOutcome:
    """Passed with each required item's evidence, or failed naming the missing items."""
    needed = sorted(set(required))
    missing = [item for item in needed if item not in done]
    evidence = {item: done[item].facts() for item in needed if item in done}
    if missing:
        return failed(
            GATE,
            f"{who} has no production access: {', '.join(missing)} not onboarded.",
            required=needed,
            missing=missing,
            items=evidence,
            **facts,
        )
    reason = (
        f"{who} has every required onboarding item: {', '.join(needed)}."
        if needed
        else f"No onboarding is required of {who}."
    )
    return passed(GATE, reason, required=needed, missing=[], items=evidence, **facts)


def evidence_of(rows: Sequence[Any]) -> dict[str, Evidence]:
    """The completed items of a checklist (reopened ones do not count)."""
    return {
        r.item: Evidence(
            r.item,
            r.evidence_url,
            r.evidence_note,
            r.completed_at.isoformat() if r.completed_at else "",
            str(r.completed_by_id) if r.completed_by_id else None,
        )
        for r in rows
        if r.complete
    }


def team_access(team: OnboardingFacts, required: Iterable[str], source: str) -> GateOutcome:
    """Gate "onboarding" of a team: its checklist against its BU's requirements (`source`:
    the guardrail layer that set them)."""
    return access_outcome(
        f"Team {team.team_key}", required, team.done, teamId=str(team.team_id), source=source
    )


def service_onboarding(
    service_id: uuid.UUID, team: OnboardingFacts, required: Iterable[str], source: str
) -> GateOutcome:
    """Gate "onboarding" of a service: may its owning team deploy it to production?"""
    return access_outcome(
        f"Team {team.team_key}",
        required,
        team.done,
        teamId=str(team.team_id),
        serviceId=str(service_id),
        source=source,
    )
