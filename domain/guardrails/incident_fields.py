"""Guardrail fields of incidents and post-mortems (issue 17): how far back an incident is
attributed to a change (domain.postrelease.attribution_rules), which attributed incidents open a
blameless post-mortem and when it is due (domain.postrelease.postmortem_rules). Part of the
catalog in `fields.py`, in this order."""

from __future__ import annotations

from domain.guardrails.field_shape import Field
from domain.guardrails.lattice import Strictness

INCIDENT_FIELDS: tuple[Field, ...] = (
    Field(
        "incident_attribution_window_hours",
        Strictness.AT_LEAST,
        "How long before an incident's detection a change of its service still counts as its "
        "likely cause, at least (a wider window attributes more incidents to changes).",
        minimum=1,
        maximum=720,
        unit="hours",
    ),
    Field(
        "postmortem_min_severity",
        Strictness.AT_LEAST,
        "An incident attributed to a change opens a blameless post-mortem from this severity "
        "(1 = SEV1 only .. 4 = every severity), at least.",
        minimum=1,
        maximum=4,
        unit="SEV",
    ),
    Field(
        "postmortem_due_days",
        Strictness.AT_MOST,
        "Days after it opens that a post-mortem is due (overdue after), at most.",
        minimum=1,
        maximum=90,
        unit="days",
    ),
)
INCIDENT_DEFAULTS = {
    "incident_attribution_window_hours": 24,
    "postmortem_min_severity": 2,
    "postmortem_due_days": 10,
}
