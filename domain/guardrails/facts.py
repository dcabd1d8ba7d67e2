"""What the guardrails context publishes to the contexts above it: batched fact readers.

The effective guardrails of services (core, then BU tightening, then the tier's profile) and
teams' onboarding checklists, as plain frozen values; the rules over them are pure
(domain.guardrails.onboarding_rules), so a caller reads once and judges as often as it likes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import repository as repo
from domain.guardrails import rules
from domain.guardrails.effective import EffectiveGuardrails, current_core, effective_for_services
from domain.guardrails.fields import CORE_DEFAULTS, PROFILE_DEFAULTS
from domain.guardrails.models import CORE_SUBJECT
from domain.guardrails.onboarding_rules import OnboardingFacts, evidence_of
from domain.guardrails.vocabulary import SetKind

__all__ = [
    "CORE_SUBJECT",
    "EffectiveGuardrails",
    "check_change",
    "go_no_go_disciplines",
    "guardrails_of_services",
    "onboarding_of_teams",
    "values_in_force",
]


async def guardrails_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, EffectiveGuardrails]:
    """The guardrails in force now for many services (four statements); unknown ones left out."""
    return await effective_for_services(session, service_ids)


def go_no_go_disciplines(guardrails: Iterable[EffectiveGuardrails]) -> frozenset[str]:
    """The disciplines that must vote go on a go/no-go of a release shipping these services:
    every one any of their `go_no_go_disciplines` guardrails names."""
    return frozenset(d for g in guardrails for d in g["go_no_go_disciplines"] or ())


async def onboarding_of_teams(
    session: AsyncSession, team_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, OnboardingFacts]:
    """The onboarding checklists of many teams (two statements); unknown teams left out."""
    teams = await repo.teams_with_bu(session, list(team_ids))
    checks = await repo.checks_of_teams(session, list(teams))
    return {
        t.id: OnboardingFacts(t.id, t.key, t.bu_id, evidence_of(checks.get(t.id, [])))
        for t in teams.values()
    }


async def check_change(
    session: AsyncSession, kind: SetKind, subject: str, changes: Mapping[str, Any]
) -> int:
    """Refuse, with this context's codes, the changes a save of the set would refuse now (a
    value of the wrong shape, a BU or profile value looser than the core); the set's version
    (0 when never saved), which a save of them names. Two statements."""
    row = await repo.get_set(session, kind, subject)
    if kind is SetKind.CORE:
        current = {**CORE_DEFAULTS, **(row.values if row else {})}
        rules.apply_changes(current, changes, complete=True)
    else:
        defaults = PROFILE_DEFAULTS.get(subject, {}) if kind is SetKind.PROFILE else {}
        current = dict(row.values) if row else dict(defaults)
        core = (await current_core(session)).values
        rules.apply_changes(current, changes, complete=False, core=core)
    return row.version if row else 0


async def values_in_force(
    session: AsyncSession, kind: SetKind, subject: str, keys: Sequence[str]
) -> dict[str, Any]:
    """The values of `keys` a save of the set would start from: the set's own (as saved, or
    the built-in tier profile), else the core's in force now (two statements)."""
    core = (await current_core(session)).values
    if kind is SetKind.CORE:
        return {k: core.get(k) for k in keys}
    row = await repo.get_set(session, kind, subject)
    defaults = PROFILE_DEFAULTS.get(subject, {}) if kind is SetKind.PROFILE else {}
    own = dict(row.values) if row else dict(defaults)
    return {k: own[k] if own.get(k) is not None else core.get(k) for k in keys}
