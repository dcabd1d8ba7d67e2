"""A post-mortem's timeline: the incident's detection and resolution, the changes of its service
and the alerts against its deployments around it, and the audit trail of the incident, its
attribution and its post-mortem, merged by time (a fixed number of statements)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import postmortem_facts as audit
from domain.pipelines import incident_facts
from domain.postrelease import attribution_ledger as ledger
from domain.postrelease import attribution_repository as attributions
from domain.postrelease.postmortem_models import PostMortem
from domain.postrelease.postmortem_rules import TimelineEntry, timeline

AFTER = timedelta(hours=1)
"""How long after the resolution (or now, while open) the timeline still shows."""


async def timeline_of(session: AsyncSession, pm: PostMortem, now: datetime) -> list[TimelineEntry]:
    """Every entry of the post-mortem's timeline, by time."""
    found = await incident_facts.incidents(session, [pm.incident_id])
    incident = found[pm.incident_id]
    attribution = await attributions.attribution_of(session, incident.id)
    hours = attribution.window_hours if attribution else 24
    start = incident.detected_at - timedelta(hours=hours)
    end = min((incident.resolved_at or now) + AFTER, now)
    entries = [
        TimelineEntry(
            incident.detected_at, "incident", f"Detected: {incident.description}", str(incident.id)
        )
    ]
    if incident.resolved_at is not None:
        entries.append(
            TimelineEntry(incident.resolved_at, "incident", "Resolved", str(incident.id))
        )
    if incident.service_id is not None:
        changes = await ledger.changes(
            session, service_ids=[incident.service_id], start=start, end=end
        )
        entries += [
            TimelineEntry(
                c.at, "change", f"{c.kind.value.replace('_', ' ')}: {c.summary}", str(c.id)
            )
            for c in changes
        ]
        alerts = await incident_facts.alerts_of_service(session, incident.service_id, start, end)
        entries += [
            TimelineEntry(a.at, "alert", f"{a.name}: {a.summary}"[:500], str(a.id)) for a in alerts
        ]
    keys = [("incident_report", str(incident.id)), ("post_mortem", str(pm.id))]
    if attribution is not None:
        keys.append(("incident_attribution", str(attribution.id)))
    entries += [
        TimelineEntry(a.at, "audit", f"{a.action} by {a.actor}", str(a.seq))
        for a in await audit.audit_of(session, keys)
    ]
    return timeline(entries)
