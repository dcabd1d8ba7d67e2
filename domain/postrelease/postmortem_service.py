"""Use cases of blameless post-mortems: opened by an attributed incident severe enough, kept by
those who run the service (title, summary, impact, contributing factors, action items), its
items verified against the controls they change (on demand and by the sweep), completed once
every item is done.

A contributing factor is a system or process category and a text; a text naming a person known
to Signalbox (a username, an e-mail or a full name) is refused (NAMES_A_PERSON) and nothing is
stored: the post-mortem is about how the system let it happen, never about who.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import choice, expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import attribution_facts as people
from domain.pipelines.incident_facts import IncidentFacts
from domain.postrelease import postmortem_repository as repo
from domain.postrelease import postmortem_rules as rules
from domain.postrelease import postmortem_targets as targets
from domain.postrelease.attribution_models import IncidentAttribution
from domain.postrelease.postmortem_errors import PostMortemErrorCode as Code
from domain.postrelease.postmortem_models import PostMortem, PostMortemAction, PostMortemFactor
from domain.postrelease.postmortem_verification import verify
from domain.postrelease.postmortem_vocabulary import (
    ActionStatus,
    ActionTargetKind,
    FactorCategory,
    PostMortemStatus,
)

RESOURCE = Resource.POST_MORTEM
TEXT_MAX = 8000
SWEEP_BATCH = 500


@dataclass(frozen=True, slots=True)
class UpdatePostMortem:
    post_mortem_id: uuid.UUID
    version: int
    title: str | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class SetImpact:
    post_mortem_id: uuid.UUID
    version: int
    impact: str


@dataclass(frozen=True, slots=True)
class AddFactor:
    post_mortem_id: uuid.UUID
    version: int
    category: str
    description: str


@dataclass(frozen=True, slots=True)
class AddAction:
    post_mortem_id: uuid.UUID
    version: int
    title: str
    target_kind: str
    target: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PostMortemRef:
    post_mortem_id: uuid.UUID
    version: int


async def open_for(
    uow: UnitOfWork,
    incident: IncidentFacts,
    attribution: IncidentAttribution,
    values: dict[str, int],
    rule: str,
) -> PostMortem | None:
    """Open the incident's post-mortem when it is release-related and of severity
    SEV<postmortem_min_severity> or worse, due `postmortem_due_days` later (once per incident)."""
    threshold = values[rules.THRESHOLD_KEY]
    attributed = attribution.change_id is not None
    if not rules.needs_post_mortem(incident.severity, attributed, threshold):
        return None
    if await repo.post_mortem_of(uow.session, incident.id) is not None:
        return None
    now = uow.clock.now()
    assert incident.severity is not None
    pm = PostMortem(
        id=uuid.uuid4(),
        incident_id=incident.id,
        bu_id=incident.bu_id,
        service_id=incident.service_id,
        status=PostMortemStatus.OPEN.value,
        severity=incident.severity,
        title=f"{incident.severity}: {incident.description or 'incident'}"[:200],
        summary="",
        impact="",
        due_at=rules.due_at(now, values[rules.DUE_KEY]),
        version=1,
        created_at=now,
        updated_at=now,
    )
    # Opened by the guardrails, as a consequence of the attribution: its rule says both.
    why = f"{rules.THRESHOLD_KEY}={threshold}, {rules.DUE_KEY}={values[rules.DUE_KEY]}; {rule}"
    await uow.created(pm, action="post_mortem.open", bu_id=pm.bu_id, rule=why)
    return pm


async def _post_mortem(
    uow: UnitOfWork, post_mortem_id: uuid.UUID, version: int | None, *, writable: bool = True
) -> tuple[PostMortem, str]:
    pm = await get_readable(
        uow.session,
        PostMortem,
        post_mortem_id,
        uow.scope(Action.READ, RESOURCE),
        what="Post-mortem",
        field="id",
        for_update=True,
    )
    rule = uow.authorize(Action.UPDATE, RESOURCE, pm.bu_id)
    if version is not None:
        expect_version(pm, version, "The post-mortem")
    if writable and pm.status == PostMortemStatus.COMPLETED:
        raise DomainError("The post-mortem is completed.", code=Code.POST_MORTEM_COMPLETED)
    return pm, rule


def _text(value: str, name: str, least: int = 0, most: int = TEXT_MAX) -> str:
    return trimmed(
        value,
        least,
        most,
        f"The {name} takes {least} to {most} characters.",
        code=Code.INVALID_TEXT,
        field=name,
    )


async def update(uow: UnitOfWork, c: UpdatePostMortem) -> PostMortem:
    """Change the title or the summary of an open post-mortem."""
    pm, rule = await _post_mortem(uow, c.post_mortem_id, c.version)
    before = snapshot(pm)
    if c.title is not None:
        pm.title = trimmed(
            c.title,
            1,
            200,
            "A title takes 1 to 200 characters.",
            code=Code.INVALID_TITLE,
            field="title",
        )
    if c.summary is not None:
        pm.summary = _text(c.summary, "summary")
    await uow.updated(pm, before, action="post_mortem.update", bu_id=pm.bu_id, rule=rule)
    return pm


async def set_impact(uow: UnitOfWork, c: SetImpact) -> PostMortem:
    """Say what the incident did to users and the business."""
    pm, rule = await _post_mortem(uow, c.post_mortem_id, c.version)
    before = snapshot(pm)
    pm.impact = _text(c.impact, "impact", 1)
    await uow.updated(pm, before, action="post_mortem.set_impact", bu_id=pm.bu_id, rule=rule)
    return pm


async def add_factor(uow: UnitOfWork, c: AddFactor) -> PostMortem:
    """Add a contributing factor: a system or process category and what happened, naming no
    person known to Signalbox (NAMES_A_PERSON, nothing stored)."""
    pm, rule = await _post_mortem(uow, c.post_mortem_id, c.version)
    category = choice(FactorCategory, c.category, Code.UNKNOWN_CATEGORY, "category")
    text = _text(c.description, "description", 1, 2000)
    named = rules.person_named(
        text,
        [
            rules.Named(p.username, p.display_name, p.email)
            for p in await people.people_named_by(uow.session, rules.candidates(text))
        ],
    )
    if named is not None:
        raise DomainError(
            "A contributing factor is a system or a process, never a person: the text names "
            "someone known to Signalbox. Describe what let it happen instead.",
            code=Code.NAMES_A_PERSON,
            field="description",
        )
    factor = PostMortemFactor(
        id=uuid.uuid4(),
        post_mortem_id=pm.id,
        category=category.value,
        description=text,
        added_by_id=uow.actor.person_id,
        added_at=uow.clock.now(),
    )
    pm.updated_at = uow.clock.now()
    await uow.created_in(pm, factor, action="post_mortem.add_factor", bu_id=pm.bu_id, rule=rule)
    return pm


async def add_action(uow: UnitOfWork, c: AddAction) -> PostMortem:
    """Add an action item naming the control it changes; it stays open until that change
    exists (verified, never declared)."""
    pm, rule = await _post_mortem(uow, c.post_mortem_id, c.version)
    kind = choice(ActionTargetKind, c.target_kind, Code.UNKNOWN_TARGET_KIND, "targetKind")
    action = PostMortemAction(
        id=uuid.uuid4(),
        post_mortem_id=pm.id,
        bu_id=pm.bu_id,
        title=trimmed(
            c.title,
            1,
            200,
            "A title takes 1 to 200 characters.",
            code=Code.INVALID_TITLE,
            field="title",
        ),
        target_kind=kind.value,
        target=targets.checked(kind, c.target),
        status=ActionStatus.OPEN.value,
        verified_summary="",
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    pm.updated_at = uow.clock.now()
    await uow.created_in(pm, action, action="post_mortem.add_action", bu_id=pm.bu_id, rule=rule)
    return pm


async def verify_now(uow: UnitOfWork, c: PostMortemRef) -> PostMortem:
    """Close every open item of the post-mortem whose change exists now."""
    pm, rule = await _post_mortem(uow, c.post_mortem_id, None, writable=False)
    await verify(uow, await repo.actions_of(uow.session, [pm.id]), {pm.id: pm}, rule)
    return pm


async def verify_open(uow: UnitOfWork) -> list[uuid.UUID]:
    """The sweep: close, as `system`, every open item whose change exists."""
    actions = await repo.open_actions(uow.session, SWEEP_BATCH)
    found = await repo.post_mortems(
        uow.session, sorted({a.post_mortem_id for a in actions}, key=str)
    )
    rule = "post-mortem action items are verified against the controls they change"
    return [a.id for a in await verify(uow, actions, found, rule)]


async def complete(uow: UnitOfWork, c: PostMortemRef) -> PostMortem:
    """Complete the post-mortem: it has an impact and action items, all verified done."""
    pm, rule = await _post_mortem(uow, c.post_mortem_id, c.version)
    actions = await repo.actions_of(uow.session, [pm.id])
    if not actions:
        raise DomainError(
            "A post-mortem completes with at least one action item that changes a control.",
            code=Code.NO_ACTION_ITEMS,
        )
    still = [a.title for a in actions if a.status != ActionStatus.DONE]
    if still:
        raise DomainError(
            f"Action items not verified done yet: {'; '.join(still)}.", code=Code.ACTIONS_OPEN
        )
    if not pm.impact:
        raise DomainError("Say what the impact was first.", code=Code.INVALID_TEXT, field="impact")
    before = snapshot(pm)
    pm.status, pm.completed_at = PostMortemStatus.COMPLETED.value, uow.clock.now()
    pm.completed_by_id = uow.actor.person_id
    await uow.updated(pm, before, action="post_mortem.complete", bu_id=pm.bu_id, rule=rule)
    return pm
