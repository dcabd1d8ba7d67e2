"""DataLoaders, built per request from the read use cases; each batch opens its own session."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from domain.governance import queries as gov
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.organization import queries as org

if TYPE_CHECKING:
    from api.graphql.context import Context

K = TypeVar("K")
V = TypeVar("V")
PageKey = tuple[uuid.UUID, int | None, str | None]


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.business_unit = self._by_id(org.business_units_by_id)
        self.team = self._by_id(org.teams_by_id)
        self.service = self._by_id(org.services_by_id)
        self.vendor = self._by_id(org.vendors_by_id)
        self.person = self._by_id(org.people_by_id)
        self.teams_of_bu: DataLoader[PageKey, Page[Any]] = DataLoader(self._teams_of_bu)
        self.services_of_team: DataLoader[
            tuple[uuid.UUID, uuid.UUID, int | None, str | None], Page[Any]
        ] = DataLoader(self._services_of_team)
        self.providers = self._grouped(
            lambda r, ids: org.dependency_links(r, ids, direction="provider")
        )
        self.consumers = self._grouped(
            lambda r, ids: org.dependency_links(r, ids, direction="consumer")
        )
        self.grants = self._grouped(org.grants_of_people)
        self.token_scopes = self._grouped(org.scopes_of_tokens)
        # The calendar's loaders (imported here so this block stays self-contained).
        from domain.calendar import queries as cal

        self.deployment_window = self._by_id(cal.windows_by_id)
        self.window_services = self._grouped(cal.services_of_windows)
        self.window_resources = self._grouped(cal.resources_of_windows)
        self.freeze = self._by_id(cal.freezes_by_id)
        self.freeze_services = self._grouped(cal.services_of_freezes)
        self.freeze_stakeholders = self._grouped(cal.stakeholders_of_freezes)
        self.freeze_exceptions_of_freeze = self._grouped(cal.exceptions_of_freezes)
        self.freeze_exception = self._by_id(cal.exceptions_by_id)
        self.alignment = self._by_id(cal.alignments_by_id)
        # governance
        self.release = self._by_id(gov.releases_by_id)
        self.board = self._by_id(gov.boards_by_id)
        self.go_no_go_session = self._by_id(gov.sessions_by_id)
        self.document_template = self._by_id(gov.templates_by_id)
        self.sign_off_rule = self._by_id(gov.sign_off_rules_by_id)
        self.sign_off = self._by_id(gov.sign_offs_by_id)
        self.release_services = self._grouped(gov.services_of_releases)
        self.release_authors = self._grouped(gov.authors_of_releases)
        self.release_sessions = self._grouped(gov.sessions_of_releases)
        self.release_completeness = self._by_id(gov.completeness_of)
        self.release_sign_offs = self._grouped(
            lambda r, ids: gov.sign_off_states_of(r, ids, ctx.runtime.clock.now())
        )
        self.session_votes = self._grouped(gov.votes_of_sessions)
        self.session_standing = self._by_id(gov.standings_of_sessions)
        self.board_members = self._grouped(gov.members_of_boards)
        # trains
        from domain.trains import queries as trq

        self.train = self._by_id(trq.trains_by_id)
        self.program_increment = self._by_id(trq.pis_by_id)
        self.departure = self._by_id(trq.departures_by_id)
        self.feature = self._by_id(trq.features_by_id)
        self.integration_window = self._by_id(trq.windows_by_id)
        self.pis_of_train = self._grouped(trq.pis_of_trains)
        self.cadence_history = self._grouped(trq.cadence_history)
        self.departure_pages: DataLoader[trq.DeparturePageKey, Page[Any]] = DataLoader(
            lambda keys: self._run(lambda r: trq.departure_pages(r, keys))
        )
        self.departure_releases = self._grouped(trq.releases_of_departures)
        self.departure_window = self._by_id(trq.windows_of_departures)
        self.departure_integration = self._by_id(
            lambda r, ids: trq.integration_status(r, ids, ctx.runtime.clock.now())
        )
        self.integration_results = self._grouped(trq.results_of_windows)
        self.feature_providers = self._grouped(trq.providers_of)
        self.feature_consumers = self._grouped(trq.consumers_of)
        # environments (imported here so this block stays self-contained)
        from domain.environments import queries as envq

        self.environment = self._by_id(envq.environments_by_id)
        self.reservation = self._by_id(envq.reservations_by_id)
        self.config_snapshot = self._by_id(envq.snapshots_by_id)
        self.current_snapshot = self._by_id(envq.current_snapshots)
        self.snapshot_images = self._grouped(envq.images_of_snapshots)
        self.queue_position = self._by_id(
            lambda r, ids: envq.queue_positions(r, ids, ctx.runtime.clock.now())
        )

        async def env_pages(keys: list[Any], query: Callable[..., Awaitable[Any]]) -> list[Any]:
            """One statement per distinct page arguments; keys are (environment id, *args)."""
            groups: dict[Any, list[uuid.UUID]] = {}
            for key in keys:
                groups.setdefault(key[1:], []).append(key[0])
            out: dict[Any, Any] = {}
            for args, parents in groups.items():
                pages = await self._run(lambda r, p=parents, a=args: query(r, p, *a))
                out.update({(pid, *args): pages[pid] for pid in parents})
            return [out[k] for k in keys]

        self.reservations_of_environment: DataLoader[Any, Page[Any]] = DataLoader(
            lambda keys: env_pages(
                keys,
                lambda r, ids, status, ending, first, after: envq.reservations_of_environments(
                    r, ids, status=status, ending_after=ending, first=first, after=after
                ),
            )
        )
        self.snapshots_of_environment: DataLoader[Any, Page[Any]] = DataLoader(
            lambda keys: env_pages(
                keys,
                lambda r, ids, first, after: envq.snapshots_of_environments(
                    r, ids, first=first, after=after
                ),
            )
        )
        # flags (imported here so this block stays self-contained)
        from domain.flags import queries as flq

        self.flag = self._by_id(flq.flags_by_id)
        self.flag_states = self._grouped(flq.states_of_flags)
        self.flag_evaluations = self._grouped(flq.evaluations_of_flags)
        self.flag_history = self._grouped(flq.history_of_flags)
        self.flag_segment = self._by_id(flq.segments_by_id)
        self.flag_change = self._by_id(flq.changes_by_id)
        # guardrails (loaders of the guardrails context go here)
        from domain.guardrails import queries as grq

        self.guardrail_set_version = self._by_id(grq.versions_by_id)
        self.team_onboarding = self._by_id(grq.onboarding_of_teams)
        # risk (loaders of the risk context go here)
        from domain.risk import queries as riskq

        self.risk_assessment = self._by_id(riskq.assessments_by_id)
        self.latest_risk_assessment = self._by_id(riskq.latest_assessments)
        self.peer_review = self._by_id(riskq.reviews_by_id)
        self.peer_reviews_of_release = self._grouped(riskq.reviews_of_releases)

        async def risk_pages(keys: list[Any]) -> list[Any]:
            """Assessment history pages: one statement per distinct (first, after)."""
            groups: dict[Any, list[uuid.UUID]] = {}
            for release_id, first, after in keys:
                groups.setdefault((first, after), []).append(release_id)
            out: dict[Any, Any] = {}
            for (first, after), group in groups.items():
                pages = await self._run(
                    lambda r, g=group, f=first, a=after: riskq.assessments_of_releases(  # type: ignore[misc]
                        r, g, first=f, after=a
                    )
                )
                out.update({(rid, first, after): pages[rid] for rid in group})
            return [out[k] for k in keys]

        self.risk_assessments_of_release: DataLoader[Any, Page[Any]] = DataLoader(risk_pages)
        # compliance controls (loaders of bypasses, reviews and DR go here)
        from domain.compliance import control_queries as ccq

        self.bypass = self._by_id(ccq.bypasses_by_id)
        self.bypass_review = self._by_id(ccq.reviews_by_id)
        self.review_of_bypass = self._by_id(ccq.reviews_of_bypasses)
        self.bypass_uses = self._grouped(ccq.uses_of_bypasses)
        self.dr_procedure = self._by_id(ccq.procedures_by_id)
        self.dr_test = self._by_id(ccq.tests_by_id)
        self.dr_procedures_of_service = self._grouped(ccq.procedures_of_services)
        self.dr_last_test = self._by_id(lambda r, ids: ccq.last_tests(r, ids, only_passed=False))
        self.dr_last_passed_test = self._by_id(
            lambda r, ids: ccq.last_tests(r, ids, only_passed=True)
        )

        async def dr_test_pages(keys: list[Any]) -> list[Any]:
            """One statement per distinct (first, after); keys are (procedure id, first, after)."""
            out: dict[Any, Any] = {}
            for first, after in {k[1:] for k in keys}:
                parents = [k[0] for k in keys if k[1:] == (first, after)]
                pages = await self._run(
                    lambda r, p=parents, f=first, a=after: ccq.tests_of_procedures(  # type: ignore[misc]
                        r, p, first=f, after=a
                    )
                )
                out.update({(pid, first, after): pages[pid] for pid in parents})
            return [out[k] for k in keys]

        self.dr_tests_of_procedure: DataLoader[Any, Page[Any]] = DataLoader(dr_test_pages)
        # vendors (loaders of vendor attestations and releases go here)
        from domain.organization import vendor_queries as vq

        self.vendor_attestation = self._by_id(vq.attestations_by_id)
        self.vendor_release = self._by_id(vq.releases_by_id)
        self.attestations_of_vendor = self._grouped(vq.attestations_of_vendors)
        self.vendors_of_service = self._grouped(vq.vendors_of_services)
        self.services_of_vendor = self._grouped(vq.services_of_vendors)
        self.vendor_release_impacts = self._grouped(vq.impacted_services)
        self.vendor_release_findings = self._grouped(
            lambda r, ids: vq.findings(r, ids, ctx.runtime.clock.now())
        )
        self.vendor_release_pages: DataLoader[vq.ReleasePageKey, Page[Any]] = DataLoader(
            lambda keys: self._run(lambda r: vq.release_pages(r, keys))
        )
        # evidence (loaders of artifacts, evidence, CDEvents and deployment reports go here)
        from domain.pipelines import queries as evq

        self.artifact = self._by_id(evq.artifacts_by_id)
        self.evidence = self._by_id(evq.evidence_by_id)
        self.cd_event = self._by_id(evq.cd_events_by_id)
        self.deployment_report = self._by_id(evq.deployment_reports_by_id)
        self.incident_report = self._by_id(evq.incident_reports_by_id)
        self.webhook_secret = self._by_id(evq.webhook_secrets_by_id)
        self.artifact_gates = self._grouped(evq.gates_of)

        async def evidence_pages(keys: list[Any]) -> list[Any]:
            """One statement per distinct (kind, first, after); keys are (artifact id, *args)."""
            groups: dict[Any, list[uuid.UUID]] = {}
            for key in keys:
                groups.setdefault(key[1:], []).append(key[0])
            out: dict[Any, Any] = {}
            for (kind, first, after), parents in groups.items():
                pages = await self._run(
                    lambda r, p=parents, k=kind, f=first, a=after: evq.evidence_of_artifacts(  # type: ignore[misc]
                        r, p, kind=k, first=f, after=a
                    )
                )
                out.update({(pid, kind, first, after): pages[pid] for pid in parents})
            return [out[k] for k in keys]

        self.evidence_of_artifact: DataLoader[Any, Page[Any]] = DataLoader(evidence_pages)
        # pipeline definitions (loaders of definitions, versions and runs go here)
        from domain.pipelines import definition_queries as pdq

        self.pipeline = self._by_id(pdq.pipelines_by_id)
        self.pipeline_definition_version = self._by_id(pdq.versions_by_id)
        self.pipeline_run = self._by_id(pdq.runs_by_id)
        self.pipeline_service_ids = self._grouped(pdq.service_ids_of_pipelines)
        self.pipeline_active_version = self._by_id(pdq.active_versions)
        self.pipeline_latest_run = self._by_id(pdq.latest_runs)
        self.pipeline_definition_reviews = self._grouped(pdq.reviews_of_versions)
        self.pipeline_version_pages: DataLoader[pdq.PageKey, Page[Any]] = DataLoader(
            lambda keys: self._run(lambda r: pdq.version_pages(r, keys))
        )
        self.pipeline_run_pages: DataLoader[pdq.PageKey, Page[Any]] = DataLoader(
            lambda keys: self._run(lambda r: pdq.run_pages(r, keys))
        )
        # deployments (loaders of deployments, steps, health and rollbacks go here)
        from domain.pipelines import promotion_queries as prq

        self.promotion = self._by_id(prq.promotions_by_id)
        from domain.pipelines import deployment_queries as dq

        self.deployment = self._by_id(dq.deployments_by_id)
        self.deployment_current_report = self._by_id(dq.current_reports)
        self.deployment_rollback = self._by_id(dq.rollbacks_of_deployments)
        self.deployment_alerts = self._grouped(dq.alerts_of_deployments)
        self.webhook_subscription = self._by_id(dq.webhook_subscriptions_by_id)

        async def deployment_report_pages(keys: list[Any]) -> list[Any]:
            """One statement per distinct (first, after); keys are (deployment id, first, after)."""
            out: dict[Any, Any] = {}
            for first, after in {k[1:] for k in keys}:
                parents = [k[0] for k in keys if k[1:] == (first, after)]
                pages = await self._run(
                    lambda r, p=parents, f=first, a=after: dq.reports_of_deployments(  # type: ignore[misc]
                        r, p, first=f, after=a
                    )
                )
                out.update({(pid, first, after): pages[pid] for pid in parents})
            return [out[k] for k in keys]

        self.deployment_reports: DataLoader[Any, Page[Any]] = DataLoader(deployment_report_pages)

    async def _run(self, fn: Callable[[Reader], Awaitable[V]]) -> V:
        async with self._ctx.reader() as reader:
            return await fn(reader)

    def _by_id(
        self, query: Callable[[Reader, Sequence[uuid.UUID]], Awaitable[dict[Any, Any]]]
    ) -> DataLoader[uuid.UUID, Any]:
        async def load(ids: list[uuid.UUID]) -> list[Any]:
            rows = await self._run(lambda r: query(r, ids))
            return [rows.get(i) for i in ids]

        return DataLoader(load)

    def _grouped(
        self, query: Callable[[Reader, Sequence[uuid.UUID]], Awaitable[dict[Any, list[Any]]]]
    ) -> DataLoader[uuid.UUID, list[Any]]:
        async def load(ids: list[uuid.UUID]) -> list[list[Any]]:
            rows = await self._run(lambda r: query(r, ids))
            return [rows.get(i, []) for i in ids]

        return DataLoader(load)

    async def _teams_of_bu(self, keys: list[PageKey]) -> list[Page[Any]]:
        out: dict[PageKey, Page[Any]] = {}
        for (first, after), group in _by_page_args(keys).items():
            pages = await self._run(
                lambda r, g=group, f=first, a=after: org.teams_of_bus(r, g, first=f, after=a)  # type: ignore[misc]
            )
            out.update({(bu, first, after): pages[bu] for bu in group})
        return [out[k] for k in keys]

    async def _services_of_team(
        self, keys: list[tuple[uuid.UUID, uuid.UUID, int | None, str | None]]
    ) -> list[Page[Any]]:
        out: dict[Any, Page[Any]] = {}
        groups: dict[tuple[int | None, str | None], list[tuple[uuid.UUID, uuid.UUID]]] = {}
        for team, bu, first, after in keys:
            groups.setdefault((first, after), []).append((team, bu))
        for (first, after), group in groups.items():
            pages = await self._run(
                lambda r, g=group, f=first, a=after: org.services_of_teams(r, g, first=f, after=a)  # type: ignore[misc]
            )
            out.update({(team, bu, first, after): pages[team] for team, bu in group})
        return [out[k] for k in keys]


def _by_page_args(keys: list[PageKey]) -> dict[tuple[int | None, str | None], list[uuid.UUID]]:
    groups: dict[tuple[int | None, str | None], list[uuid.UUID]] = {}
    for parent, first, after in keys:
        groups.setdefault((first, after), []).append(parent)
    return groups
