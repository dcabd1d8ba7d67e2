"""Incidents linked to changes (issue 17): an incident's attribution, operators' change reports,
and the mutations that report, rate and resolve incidents, confirm or re-attribute them and
report a change."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql import postrelease_incidents_inputs as ii
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.pipelines_evidence_types import IncidentReport
from api.graphql.postrelease_incidents_types import (
    ChangeReport,
    IncidentAttribution,
    attribution_of_incident,
)
from api.graphql.relay import PageArgs, connection_field, from_global_id, from_optional_global_id
from api.graphql.user_errors import INCIDENT_ATTRIBUTION, PIPELINES
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.pipelines import incident_service as incidents
from domain.postrelease import attribution_queries as aq
from domain.postrelease import attribution_service as attribution

incident_payload = MutationRunner(PIPELINES).into(
    ii.IncidentPayload, incident_report=IncidentReport
)
run = MutationRunner(INCIDENT_ATTRIBUTION)
attribution_payload = run.into(
    ii.IncidentAttributionPayload, incident_attribution=IncidentAttribution
)
report_payload = run.into(ii.ChangeReportPayload, change_report=ChangeReport)


@strawberry.input
class ChangeReportFilter:
    service_id: strawberry.ID | None = None


@strawberry.type
class IncidentAttributionQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        return {
            "IncidentAttribution": ("incident_attribution", IncidentAttribution),
            "ChangeReport": ("change_report", ChangeReport),
        }

    @strawberry.field(
        description="The change an incident is attributed to; null until the sweep attributed "
        "it (minutes after it arrived) or when not yours to read."
    )
    async def incident_attribution(
        self, info: Info, incident_id: strawberry.ID
    ) -> IncidentAttribution | None:
        uid = from_global_id(incident_id, "IncidentReport", "incidentId")
        return await attribution_of_incident(info, uid)

    @connection_field(ChangeReport, description="Changes operators reported, oldest first.")
    def change_reports(r: Reader, f: ChangeReportFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        sid = from_optional_global_id(f.service_id, "Service", "serviceId")
        return aq.change_reports(r, sid, **page)


@strawberry.type
class IncidentAttributionMutation:
    @incident_payload.mutation(
        incidents.report_incident,
        description="Report an incident of a service (SEV1..SEV4); it is attributed to the "
        "change that most likely caused it when the sweep next runs.",
    )
    def incident_report(input: ii.IncidentReportInput) -> incidents.ReportIncident:
        return ii.report(input)

    @incident_payload.mutation(incidents.resolve_incident, description="Resolve an open incident.")
    def incident_resolve(input: ii.IncidentResolveInput) -> incidents.ResolveIncident:
        return incidents.ResolveIncident(from_global_id(input.id, "IncidentReport"), input.version)

    @incident_payload.mutation(incidents.rate_incident, description="Set an incident's severity.")
    def incident_rate(input: ii.IncidentRateInput) -> incidents.RateIncident:
        return incidents.RateIncident(
            from_global_id(input.id, "IncidentReport"), input.version, input.severity.value
        )

    @attribution_payload.mutation(
        attribution.confirm, description="Confirm the change the rule attributed the incident to."
    )
    def incident_attribution_confirm(
        input: ii.IncidentAttributionConfirmInput,
    ) -> attribution.ConfirmAttribution:
        return attribution.ConfirmAttribution(
            from_global_id(input.incident_id, "IncidentReport", "incidentId"),
            input.version,
            input.note,
        )

    @attribution_payload.mutation(
        attribution.reattribute,
        description="Attribute the incident to another change of its service made before its "
        "detection (CHANGE_OF_ANOTHER_SERVICE, CHANGE_OF_ANOTHER_BU, CHANGE_AFTER_DETECTION), "
        "or to none, with a reason.",
    )
    def incident_attribution_reattribute(
        input: ii.IncidentAttributionReattributeInput,
    ) -> attribution.Reattribute:
        return ii.reattribute(input)

    @report_payload.mutation(
        attribution.report_change,
        description="Report a configuration change (or a vendor release noticed late): "
        "attribution considers it like deployments and flag changes.",
    )
    def change_report_create(input: ii.ChangeReportCreateInput) -> attribution.ReportChange:
        return ii.change_report(input)
