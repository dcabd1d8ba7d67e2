"""Onboarding: a team's checklist of integrations, and the production access it earns.

Each OnboardingItem (logging, monitoring, alerting, CI pipeline, runbook, on-call) is
completed with evidence (a link and/or a note) and may be reopened (revoked). Which items
are required is a guardrail (`onboarding_requirements`): for a team, its BU's effective
value (core + BU set); for a service, the service's own (its tier profile included). The
gate ("onboarding") is the pure rule of domain.guardrails.onboarding_rules over the checklists
domain.guardrails.facts reads; the promotion decision judges it on its own snapshot.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import repository as repo
from domain.guardrails.commands import CompleteOnboardingItem, ReopenOnboardingItem
from domain.guardrails.effective import effective_for_business_units, effective_for_services
from domain.guardrails.errors import GuardrailErrorCode as Code
from domain.guardrails.facts import onboarding_of_teams
from domain.guardrails.models import OnboardingCheck
from domain.guardrails.onboarding_rules import REQUIREMENT, service_onboarding, team_access
from domain.guardrails.vocabulary import OnboardingItem
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound, VersionConflict
from domain.kernel.gates import GateOutcome
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts

URL_MAX = 2048
NOTE_MAX = 2000


# -- checking evidence -----------------------------------------------------------------------


def check_evidence(url: str | None, note: str) -> tuple[str | None, str]:
    """A completed item shows its evidence: an http(s) link, a note, or both."""
    link = (url or "").strip() or None
    text = note.strip()
    if link is None and not text:
        raise DomainError(
            "Give a link to the evidence, a note, or both.",
            code=Code.EVIDENCE_REQUIRED,
            field="evidenceUrl",
        )
    if link is not None:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > URL_MAX:
            raise DomainError(
                f"The evidence link must be an http(s) URL of at most {URL_MAX} characters.",
                code=Code.INVALID_EVIDENCE_URL,
                field="evidenceUrl",
            )
    if len(text) > NOTE_MAX:
        raise DomainError(
            f"The evidence note is at most {NOTE_MAX} characters.",
            code=Code.INVALID_EVIDENCE_NOTE,
            field="evidenceNote",
        )
    return link, text


# -- gates -----------------------------------------------------------------------------------


async def production_access_of_teams(
    session: AsyncSession, team_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, GateOutcome]:
    """Production access of many teams (five statements); unknown teams are left out."""
    teams = await onboarding_of_teams(session, team_ids)
    if not teams:
        return {}
    required = await effective_for_business_units(
        session, sorted({t.bu_id for t in teams.values()})
    )
    return {
        t.team_id: team_access(
            t, required[t.bu_id][REQUIREMENT].value, required[t.bu_id][REQUIREMENT].source
        )
        for t in teams.values()
    }


async def production_access(session: AsyncSession, team_id: uuid.UUID) -> GateOutcome:
    """Gate "onboarding" of a team: its checklist against its BU's requirements."""
    found = await production_access_of_teams(session, [team_id])
    if team_id not in found:
        raise NotFound("Team was not found.")
    return found[team_id]


async def onboarding_gates(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, GateOutcome]:
    """Gate "onboarding" of many services: each owning team's checklist against the
    service's effective requirements (tier profile included); unknown services left out."""
    effective = await effective_for_services(session, service_ids)
    owners = await repo.services_with_bu(session, list(effective))
    teams = await onboarding_of_teams(session, sorted({s.team_id for s in owners.values()}))
    return {
        sid: service_onboarding(
            sid,
            teams[owners[sid].team_id],
            eff.values[REQUIREMENT].value,
            eff.values[REQUIREMENT].source,
        )
        for sid, eff in effective.items()
    }


async def onboarding_gate(session: AsyncSession, service_id: uuid.UUID) -> GateOutcome:
    """Gate "onboarding" of a service: may its owning team deploy it to production?"""
    found = await onboarding_gates(session, [service_id])
    if service_id not in found:
        raise NotFound("Service was not found.")
    return found[service_id]


# -- use cases -------------------------------------------------------------------------------


async def _team(uow: UnitOfWork, team_id: uuid.UUID) -> org_facts.TeamFacts:
    scope = uow.scope(Action.READ, Resource.TEAM)
    return await org_facts.team(uow.session, team_id, readable_in=scope)


def _expect(check: OnboardingCheck | None, version: int) -> None:
    seen = check.version if check is not None else 0
    if seen != version:
        raise VersionConflict(
            f"The onboarding item is at version {seen}, not {version}: reload and try again.",
            field="version",
        )


async def complete_item(uow: UnitOfWork, c: CompleteOnboardingItem) -> OnboardingCheck:
    """Tick an onboarding item with its evidence (or replace the evidence of a ticked one)."""
    team = await _team(uow, c.team_id)
    rule = uow.authorize_visible(Action.UPDATE, Resource.ONBOARDING, team.bu_id, "Team")
    item = choice(OnboardingItem, c.item, Code.UNKNOWN_ONBOARDING_ITEM, "item").value
    url, note = check_evidence(c.evidence_url, c.evidence_note)
    check = await repo.check_for_update(uow.session, team.id, item)
    _expect(check, c.version)
    now = uow.clock.now()
    before = snapshot(check) if check is not None else None
    if check is None:
        check = OnboardingCheck(team_id=team.id, item=item, reopen_reason="", created_at=now)
        uow.session.add(check)
    check.complete = True
    check.evidence_url = url
    check.evidence_note = note
    check.completed_at = now
    check.completed_by_id = uow.actor.person_id
    check.updated_at = now
    try:
        await uow.session.flush()
    except IntegrityError:
        # Two first completions of the same item at once: the other one won.
        raise VersionConflict(
            "Someone else completed this item in the meantime; reload and try again.",
            field="version",
        ) from None
    uow.record_change(
        check,
        action="onboarding.complete",
        bu_id=team.bu_id,
        rule=rule,
        before=before,
        after=snapshot(check),
    )
    return check


async def reopen_item(uow: UnitOfWork, c: ReopenOnboardingItem) -> OnboardingCheck:
    """Revoke a completed item (the integration went away): production access may go too."""
    team = await _team(uow, c.team_id)
    rule = uow.authorize_visible(Action.UPDATE, Resource.ONBOARDING, team.bu_id, "Team")
    item = choice(OnboardingItem, c.item, Code.UNKNOWN_ONBOARDING_ITEM, "item").value
    check = await repo.check_for_update(uow.session, team.id, item)
    _expect(check, c.version)
    if check is None or not check.complete:
        raise DomainError(
            f"{item} is not complete; there is nothing to reopen.",
            code=Code.ONBOARDING_ITEM_NOT_COMPLETE,
            field="item",
        )
    if len(c.reason) > NOTE_MAX:
        raise DomainError(
            f"The reason is at most {NOTE_MAX} characters.",
            code=Code.INVALID_NOTE,
            field="reason",
        )
    before = snapshot(check)
    now = uow.clock.now()
    check.complete = False
    check.reopened_at = now
    check.reopened_by_id = uow.actor.person_id
    check.reopen_reason = c.reason.strip()
    await uow.updated(check, before, action="onboarding.reopen", bu_id=team.bu_id, rule=rule)
    return check
