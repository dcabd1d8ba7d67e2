"""Is the change an action item names there? Read from the contexts that own each control, in a
fixed number of statements per business unit and kind, never declared by anyone.

- documentation template: a version of the template (org or the BU's) made after the item,
  holding the section or field key;
- readiness checklist item: an active checklist template version made after it, holding the
  item key;
- test case: passing test-run evidence of that name for the service, reported after it;
- pipeline gate: a version of the BU's pipeline activated after it, a stage listing the gate;
- guardrail value: a core or BU guardrail version saved after it, the value at least as strict.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import postmortem_facts as templates
from domain.guardrails import postmortem_facts as guardrails
from domain.guardrails.fields import FIELDS
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.pipelines import postmortem_facts as pipelines
from domain.postrelease import postmortem_rules as rules
from domain.postrelease.postmortem_models import PostMortem, PostMortemAction
from domain.postrelease.postmortem_vocabulary import ActionStatus
from domain.postrelease.postmortem_vocabulary import ActionTargetKind as K
from domain.readiness import postmortem_facts as checklists


async def _versions(
    session: AsyncSession,
    kind: K,
    bu_id: uuid.UUID,
    actions: Sequence[PostMortemAction],
    service_ids: list[uuid.UUID],
) -> list[rules.Version]:
    since = min(a.created_at for a in actions)
    keys = sorted({str(a.target.get(_KEY[kind], "")) for a in actions})
    match kind:
        case K.DOCUMENTATION_TEMPLATE:
            found = await templates.template_versions_since(session, bu_id, keys, since)
            return [
                rules.Version(v.id, v.key, v.at, v.items, summary=f"template {v.key} v{v.version}")
                for v in found
            ]
        case K.READINESS_CHECKLIST_ITEM:
            got = await checklists.checklist_versions_since(session, bu_id, keys, since)
            return [
                rules.Version(v.id, v.key, v.at, v.items, summary=f"checklist {v.key} v{v.version}")
                for v in got
            ]
        case K.TEST_CASE:
            tests = await pipelines.passing_tests(session, service_ids, keys, since)
            return [
                rules.Version(
                    t.id, t.name, t.at, service_id=t.service_id, summary=f"test {t.name} passed"
                )
                for t in tests
            ]
        case K.PIPELINE_GATE:
            defs = await pipelines.activated_definitions(session, bu_id, keys, since)
            return [
                rules.Version(
                    d.id,
                    d.pipeline_key,
                    d.at,
                    d.gates,
                    summary=f"pipeline {d.pipeline_key} v{d.number}",
                )
                for d in defs
            ]
        case K.GUARDRAIL_VALUE:
            saved = await guardrails.saved_since(session, bu_id, since)
            return [
                rules.Version(
                    g.id, g.kind, g.at, values=g.values, summary=f"{g.kind} guardrails v{g.version}"
                )
                for g in saved
            ]


_KEY = {
    K.DOCUMENTATION_TEMPLATE: "template_key",
    K.READINESS_CHECKLIST_ITEM: "template_key",
    K.TEST_CASE: "test_name",
    K.PIPELINE_GATE: "pipeline_key",
    K.GUARDRAIL_VALUE: "key",
}


async def verify(
    uow: UnitOfWork,
    actions: Sequence[PostMortemAction],
    post_mortems: dict[uuid.UUID, PostMortem],
    rule: str,
) -> list[PostMortemAction]:
    """Close the open items whose change exists (each audited on its post-mortem by whoever
    acts: a person, or `system` for the sweep); the items closed."""
    groups: dict[tuple[uuid.UUID, K], list[PostMortemAction]] = defaultdict(list)
    for a in actions:
        if a.status == ActionStatus.OPEN and a.post_mortem_id in post_mortems:
            groups[(a.bu_id, K(a.target_kind))].append(a)
    closed = []
    now = uow.clock.now()
    for (bu_id, kind), items in groups.items():
        services = {post_mortems[a.post_mortem_id].service_id for a in items}
        service_ids = sorted((s for s in services if s is not None), key=str)
        versions = await _versions(uow.session, kind, bu_id, items, service_ids)
        for a in items:
            pm = post_mortems[a.post_mortem_id]
            field = FIELDS.get(str(a.target.get("key"))) if kind == K.GUARDRAIL_VALUE else None
            target = rules.Target(kind, a.target, pm.service_id)
            found = rules.verifying(
                target, a.created_at, versions, field.strictness if field else None
            )
            if found is None:
                continue
            before = snapshot(a)
            a.status, a.verified_ref, a.verified_at = ActionStatus.DONE.value, found.id, now
            a.verified_summary, a.verified_by = found.summary, uow.actor.username
            await uow.session.flush()
            uow.record_change(
                pm,
                action="post_mortem.verify_action",
                bu_id=pm.bu_id,
                rule=rule,
                before={"action": before},
                after={"action": snapshot(a)},
            )
            closed.append(a)
    return closed
