"""The DataLoaders of one request in one typed container (the shape of Phoenix's
`DataLoaders`): resolvers reach them as `info.context.loaders.<name>`.

Each field declares its loader: its kind (one module each: `keyed` for by id and grouped by
parent id, `pages`, `batch`) and the read use case it batches. `DataLoaders.build` makes them
all, per request (and per subscription event).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from uuid import UUID

from api.graphql.loaders.batch import Batch
from api.graphql.loaders.keyed import ById, ByIds, Grouped, Read
from api.graphql.loaders.pages import Pages
from domain.calendar import queries as cal
from domain.compliance import control_queries as ccq
from domain.compliance import vendor_findings
from domain.environments import queries as envq
from domain.flags import queries as flq
from domain.governance import queries as gov
from domain.guardrails import queries as grq
from domain.insights import failure_queries as fq
from domain.insights import maturity_queries as mtq
from domain.insights import policy_queries as plq
from domain.insights import source_queries as isq
from domain.kernel.clock import Clock
from domain.kernel.reader import Reader
from domain.organization import queries as org
from domain.organization import vendor_queries as vq
from domain.pipelines import definition_queries as pdq
from domain.pipelines import deployment_queries as dq
from domain.pipelines import promotion_queries as prq
from domain.pipelines import queries as evq
from domain.pipelines import unauthorized_queries as ucq
from domain.postrelease import attribution_queries as paq
from domain.postrelease import defect_queries as dfq
from domain.postrelease import journey_queries as jq
from domain.postrelease import postmortem_queries as pmq
from domain.postrelease import review_queries as prrq
from domain.readiness import migration_queries as rmq
from domain.readiness import nfr_queries as nfq
from domain.readiness import notice_queries as ntq
from domain.readiness import review_queries as rrq
from domain.readiness import volume_queries as rvq
from domain.risk import queries as riskq
from domain.support import queries as supq
from domain.trains import queries as trq

Now = Callable[[], datetime]
AtTime = Callable[[Reader, Sequence[UUID], datetime], Awaitable[dict[Any, Any]]]


def _loader(make: Callable[[Read, Now], Any]) -> Any:
    return field(metadata={"make": make})


def by_id(query: ByIds) -> Any:
    return _loader(lambda read, _now: ById(read, query))


def grouped(query: ByIds) -> Any:
    return _loader(lambda read, _now: Grouped(read, query))


def _at(query: AtTime, now: Now) -> ByIds:
    """The query as of the moment its batch runs."""
    return lambda r, ids: query(r, ids, now())


def by_id_at(query: AtTime) -> Any:
    return _loader(lambda read, now: ById(read, _at(query, now)))


def grouped_at(query: AtTime) -> Any:
    return _loader(lambda read, now: Grouped(read, _at(query, now)))


def pages(query: Callable[..., Awaitable[dict[Any, Any]]], *names: str) -> Any:
    return _loader(lambda read, _now: Pages(read, query, *names))


def batch(query: Callable[[Reader, list[Any]], Awaitable[list[Any]]]) -> Any:
    return _loader(lambda read, _now: Batch(read, query))


@dataclass(frozen=True, slots=True)
class DataLoaders:
    # organization
    business_unit: ById = by_id(org.business_units_by_id)
    team: ById = by_id(org.teams_by_id)
    service: ById = by_id(org.services_by_id)
    vendor: ById = by_id(org.vendors_by_id)
    person: ById = by_id(org.people_by_id)
    teams_of_bu: Pages = pages(org.teams_of_bus, "first", "after")
    # keys (team id, its BU id, first, after): one statement for the teams of every BU
    services_of_team: Pages = pages(org.services_of_teams, "first", "after")
    providers: Grouped = grouped(functools.partial(org.dependency_links, direction="provider"))
    consumers: Grouped = grouped(functools.partial(org.dependency_links, direction="consumer"))
    grants: Grouped = grouped(org.grants_of_people)
    token_scopes: Grouped = grouped(org.scopes_of_tokens)
    # calendar
    deployment_window: ById = by_id(cal.windows_by_id)
    window_services: Grouped = grouped(cal.services_of_windows)
    window_resources: Grouped = grouped(cal.resources_of_windows)
    freeze: ById = by_id(cal.freezes_by_id)
    freeze_services: Grouped = grouped(cal.services_of_freezes)
    freeze_stakeholders: Grouped = grouped(cal.stakeholders_of_freezes)
    freeze_exceptions_of_freeze: Grouped = grouped(cal.exceptions_of_freezes)
    freeze_exception: ById = by_id(cal.exceptions_by_id)
    alignment: ById = by_id(cal.alignments_by_id)
    # governance
    release: ById = by_id(gov.releases_by_id)
    board: ById = by_id(gov.boards_by_id)
    go_no_go_session: ById = by_id(gov.sessions_by_id)
    document_template: ById = by_id(gov.templates_by_id)
    sign_off_rule: ById = by_id(gov.sign_off_rules_by_id)
    sign_off: ById = by_id(gov.sign_offs_by_id)
    release_services: Grouped = grouped(gov.services_of_releases)
    release_authors: Grouped = grouped(gov.authors_of_releases)
    release_sessions: Grouped = grouped(gov.sessions_of_releases)
    release_completeness: ById = by_id(gov.completeness_of)
    release_sign_offs: Grouped = grouped_at(gov.sign_off_states_of)
    session_votes: Grouped = grouped(gov.votes_of_sessions)
    session_standing: ById = by_id(gov.standings_of_sessions)
    board_members: Grouped = grouped(gov.members_of_boards)
    # trains
    train: ById = by_id(trq.trains_by_id)
    program_increment: ById = by_id(trq.pis_by_id)
    departure: ById = by_id(trq.departures_by_id)
    feature: ById = by_id(trq.features_by_id)
    integration_window: ById = by_id(trq.windows_by_id)
    pis_of_train: Grouped = grouped(trq.pis_of_trains)
    cadence_history: Grouped = grouped(trq.cadence_history)
    departure_pages: Batch = batch(trq.departure_pages)
    departure_releases: Grouped = grouped(trq.releases_of_departures)
    departure_window: ById = by_id(trq.windows_of_departures)
    departure_integration: ById = by_id_at(trq.integration_status)
    integration_results: Grouped = grouped(trq.results_of_windows)
    feature_providers: Grouped = grouped(trq.providers_of)
    feature_consumers: Grouped = grouped(trq.consumers_of)
    # environments
    environment: ById = by_id(envq.environments_by_id)
    reservation: ById = by_id(envq.reservations_by_id)
    config_snapshot: ById = by_id(envq.snapshots_by_id)
    current_snapshot: ById = by_id(envq.current_snapshots)
    snapshot_images: Grouped = grouped(envq.images_of_snapshots)
    queue_position: ById = by_id_at(envq.queue_positions)
    reservations_of_environment: Pages = pages(
        envq.reservations_of_environments, "status", "ending_after", "first", "after"
    )
    snapshots_of_environment: Pages = pages(envq.snapshots_of_environments, "first", "after")
    # flags
    flag: ById = by_id(flq.flags_by_id)
    flag_states: Grouped = grouped(flq.states_of_flags)
    flag_evaluations: Grouped = grouped(flq.evaluations_of_flags)
    flag_history: Grouped = grouped(flq.history_of_flags)
    flag_segment: ById = by_id(flq.segments_by_id)
    flag_change: ById = by_id(flq.changes_by_id)
    # guardrails
    guardrail_set_version: ById = by_id(grq.versions_by_id)
    team_onboarding: ById = by_id(grq.onboarding_of_teams)
    # risk
    risk_assessment: ById = by_id(riskq.assessments_by_id)
    latest_risk_assessment: ById = by_id(riskq.latest_assessments)
    peer_review: ById = by_id(riskq.reviews_by_id)
    peer_reviews_of_release: Grouped = grouped(riskq.reviews_of_releases)
    risk_assessments_of_release: Pages = pages(riskq.assessments_of_releases, "first", "after")
    # postrelease: defects
    defect: ById = by_id(dfq.defects_by_id)
    detected_defect_pattern: ById = by_id(dfq.detected_patterns_by_id)
    # readiness reviews
    readiness_review: ById = by_id(rrq.reviews_by_id)
    readiness_review_of_release: ById = by_id(rrq.reviews_of_releases)
    readiness_review_items: Grouped = grouped(rrq.items_of_reviews)
    readiness_review_of_service: ById = by_id(rrq.reviews_of_services)
    readiness_review_missing: ById = by_id_at(rrq.missing_of_reviews)
    readiness_review_template: ById = by_id(rrq.templates_by_id)
    # postrelease: the 24-hour review
    post_release_review: ById = by_id(prrq.reviews_by_id)
    # compliance controls
    bypass: ById = by_id(ccq.bypasses_by_id)
    bypass_review: ById = by_id(ccq.reviews_by_id)
    review_of_bypass: ById = by_id(ccq.reviews_of_bypasses)
    bypass_uses: Grouped = grouped(ccq.uses_of_bypasses)
    dr_procedure: ById = by_id(ccq.procedures_by_id)
    dr_test: ById = by_id(ccq.tests_by_id)
    dr_procedures_of_service: Grouped = grouped(ccq.procedures_of_services)
    dr_last_test: ById = by_id(functools.partial(ccq.last_tests, only_passed=False))
    dr_last_passed_test: ById = by_id(functools.partial(ccq.last_tests, only_passed=True))
    dr_tests_of_procedure: Pages = pages(ccq.tests_of_procedures, "first", "after")
    # vendors
    vendor_attestation: ById = by_id(vq.attestations_by_id)
    vendor_release: ById = by_id(vq.releases_by_id)
    attestations_of_vendor: Grouped = grouped(vq.attestations_of_vendors)
    vendors_of_service: Grouped = grouped(vq.vendors_of_services)
    services_of_vendor: Grouped = grouped(vq.services_of_vendors)
    vendor_release_impacts: Grouped = grouped(vq.impacted_services)
    vendor_release_findings: Grouped = grouped_at(vendor_findings.findings)
    vendor_release_pages: Batch = batch(vq.release_pages)
    # evidence
    artifact: ById = by_id(evq.artifacts_by_id)
    evidence: ById = by_id(evq.evidence_by_id)
    cd_event: ById = by_id(evq.cd_events_by_id)
    deployment_report: ById = by_id(evq.deployment_reports_by_id)
    incident_report: ById = by_id(evq.incident_reports_by_id)
    webhook_secret: ById = by_id(evq.webhook_secrets_by_id)
    artifact_gates: Grouped = grouped(evq.gates_of)
    evidence_of_artifact: Pages = pages(evq.evidence_of_artifacts, "kind", "first", "after")
    # pipeline definitions
    pipeline: ById = by_id(pdq.pipelines_by_id)
    pipeline_definition_version: ById = by_id(pdq.versions_by_id)
    pipeline_run: ById = by_id(pdq.runs_by_id)
    pipeline_service_ids: Grouped = grouped(pdq.service_ids_of_pipelines)
    pipeline_active_version: ById = by_id(pdq.active_versions)
    pipeline_latest_run: ById = by_id(pdq.latest_runs)
    pipeline_definition_reviews: Grouped = grouped(pdq.reviews_of_versions)
    pipeline_version_pages: Batch = batch(pdq.version_pages)
    pipeline_run_pages: Batch = batch(pdq.run_pages)
    # promotions and deployments
    promotion: ById = by_id(prq.promotions_by_id)
    deployment: ById = by_id(dq.deployments_by_id)
    deployment_current_report: ById = by_id(dq.current_reports)
    deployment_rollback: ById = by_id(dq.rollbacks_of_deployments)
    deployment_alerts: Grouped = grouped(dq.alerts_of_deployments)
    webhook_subscription: ById = by_id(dq.webhook_subscriptions_by_id)
    deployment_reports: Pages = pages(dq.reports_of_deployments, "first", "after")
    unauthorized_change: ById = by_id(ucq.changes_by_id)
    release_unauthorized_changes: Grouped = grouped(ucq.changes_of_releases)
    deployment_unauthorized_change: ById = by_id(ucq.changes_of_deployments)
    deployment_promotion: ById = by_id(ucq.promotions_of_deployments)
    # readiness: NFRs validated in staging
    nfr_run: ById = by_id(nfq.runs_by_id)
    nfr_requirements_of_service: ById = by_id(nfq.requirements_of_services)
    nfr_runs_of_service: Pages = pages(nfq.runs_of_services, "version", "first", "after")
    # readiness: data migrations and production volumes
    data_migration: ById = by_id(rmq.migrations_by_id)
    release_data_migrations: Grouped = grouped(rmq.migrations_of_releases)
    volume_profile: ById = by_id(rvq.profiles_by_id)
    service_volume_profile: ById = by_id(rvq.profiles_of_services)
    # readiness: downtime notices
    downtime_notice: ById = by_id(ntq.notices_by_id)
    downtime_notice_of_release: ById = by_id(ntq.notices_of_releases)
    downtime_recipients: Grouped = grouped(ntq.recipients_of_notices)
    downtime_subscription: ById = by_id(ntq.subscriptions_by_id)
    # support rotations
    support_rotation: ById = by_id(supq.rotations_by_id)
    support_swaps: Grouped = grouped(supq.swaps_of_rotations)
    release_watch: ById = by_id(supq.watches_of_releases)
    # postrelease: incidents linked to changes, blameless post-mortems (issue 17)
    incident_attribution: ById = by_id(paq.attributions_by_id)
    incident_attribution_of_incident: ById = by_id(paq.attributions_of_incidents)
    change_report: ById = by_id(paq.change_reports_by_id)
    post_mortem: ById = by_id(pmq.post_mortems_by_id)
    post_mortem_of_incident: ById = by_id(pmq.post_mortems_of_incidents)
    post_mortem_factors: Grouped = grouped(pmq.factors_of)
    post_mortem_actions: Grouped = grouped(pmq.actions_of)
    # postrelease: synthetic journeys
    journey: ById = by_id(jq.journeys_by_id)
    journey_run: ById = by_id(jq.runs_by_id)
    journey_regression: ById = by_id(jq.regressions_by_id)
    service_journeys: Grouped = grouped(jq.journeys_of_services)
    service_journey_hosts: ById = by_id(jq.hosts_of_services)
    journey_runs: Pages = pages(jq.runs_of_journeys, "first", "after")
    deployment_journey_regressions: Grouped = grouped(jq.regressions_of_deployments)
    # insights: quarterly maturity assessments (issue 18)
    maturity_assessment: ById = by_id(mtq.assessments_by_id)
    maturity_questionnaire: ById = by_id(mtq.questionnaires_by_id)
    maturity_revisions: Grouped = grouped(mtq.revisions_of)
    maturity_insight: ById = by_id_at(mtq.insights_of)
    # insights: policy iteration
    retrospective: ById = by_id(plq.retrospectives_by_id)
    policy_proposal: ById = by_id(plq.proposals_by_id)
    policy_proposals_of_origin: Grouped = grouped(plq.proposals_of_origins)
    policy_before_after: Batch = batch(plq.before_after)
    # insights: the commits behind each change-ledger entry (issue 18)
    ledger_commits: Grouped = grouped(isq.commits_of_entries)
    # insights: the analysis a proposal from change failures came from (issue 18)
    change_failure_analysis: ById = by_id(fq.analyses_by_id)

    @classmethod
    def build(cls, read: Read, clock: Clock) -> DataLoaders:
        """Every loader, reading through `read`; the ones that judge by time ask `clock`."""
        made = {f.name: f.metadata["make"](read, clock.now) for f in fields(cls)}
        return cls(**made)
