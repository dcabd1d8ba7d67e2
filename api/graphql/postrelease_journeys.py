"""Synthetic journeys (postrelease): a service's journeys and allowed hosts, runs now and
reported by external runners, and the functional regressions found after deployments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from api.global_ids import type_of_global_id
from api.graphql import postrelease_journeys_inputs as ji
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner, mutation_field
from api.graphql.postrelease_journeys_types import (
    NODE_LOADERS,
    Journey,
    JourneyHosts,
    JourneyHostsPayload,
    JourneyPayload,
    JourneyRegression,
    JourneyRun,
    JourneyRunPayload,
)
from api.graphql.relay import Connection, from_global_id, load_node, load_page
from api.graphql.user_errors import JOURNEYS
from api.journey_runner import JourneyRunner
from api.outbox_delivery import sealer_for
from domain.kernel.errors import DomainError
from domain.kernel.sealed import SealError
from domain.kernel.uow import UnitOfWork
from domain.postrelease import journey_runs, journey_service
from domain.postrelease.journey_commands import (
    CreateJourney,
    JourneyDefinition,
    ReportJourneyResult,
    SetAllowedHosts,
    UpdateJourney,
)
from domain.postrelease.journey_errors import JourneyErrorCode

run = MutationRunner(JOURNEYS)
journey_payload = run.into(JourneyPayload, journey=Journey)
hosts_payload = run.into(JourneyHostsPayload, journey_hosts=JourneyHosts)
run_payload = run.into(JourneyRunPayload, journey_run=JourneyRun)
DEPLOYMENT_TYPES = ("Deployment", "DeploymentReport")


def _seal(info: Info) -> Callable[[str], str]:
    """Seals a secret header's value with the webhooks' key; without one, a typed refusal."""

    def seal(secret: str) -> str:
        try:
            return sealer_for(info.context.runtime.settings).seal(secret)
        except SealError:
            raise DomainError(
                "Secret headers cannot be sealed: SIGNALBOX_SECRET_KEY is not configured.",
                code=JourneyErrorCode.SECRET_KEY_REQUIRED,
                field="steps",
            ) from None

    return seal


def _definition(i: ji.JourneyCreateInput | ji.JourneyUpdateInput) -> JourneyDefinition:
    return JourneyDefinition(
        name=i.name,
        team_id=from_global_id(i.owner_team_id, "Team", "ownerTeamId"),
        tier=i.tier.value,
        interval_minutes=i.interval_minutes,
        steps=tuple(s.command() for s in i.steps),
        description=i.description,
        runner=i.runner.value,
    )


def _deployment_id(value: strawberry.ID | None, field: str) -> Any:
    if value is None:
        return None
    kind, uid = type_of_global_id(value, field)
    if kind not in DEPLOYMENT_TYPES:
        raise DomainError(f"'{value}' is not the id of a deployment.", field=field)
    return uid


async def _define(info: Info, c: CreateJourney | UpdateJourney) -> JourneyPayload:
    """Create or change a journey: outside production, loopback targets are allowed."""
    development = not info.context.runtime.settings.production
    seal = _seal(info)

    async def define(uow: UnitOfWork) -> Any:
        if isinstance(c, CreateJourney):
            return await journey_service.create(uow, c, development=development, seal=seal)
        return await journey_service.update(uow, c, development=development, seal=seal)

    return await journey_payload(info, define)


async def _create(info: Info, input: ji.JourneyCreateInput) -> JourneyPayload:
    service_id = from_global_id(input.service_id, "Service", "serviceId")
    return await _define(
        info, CreateJourney(service_id, input.key, _definition(input), input.enabled)
    )


async def _update(info: Info, input: ji.JourneyUpdateInput) -> JourneyPayload:
    journey_id = from_global_id(input.id, "Journey")
    return await _define(
        info, UpdateJourney(journey_id, input.version, _definition(input), input.enabled)
    )


async def _hosts(info: Info, input: ji.JourneyHostsSetInput) -> JourneyHostsPayload:
    development = not info.context.runtime.settings.production
    c = SetAllowedHosts(
        service_id=from_global_id(input.service_id, "Service", "serviceId"),
        hosts=tuple(input.hosts),
        version=input.version,
    )
    return await hosts_payload(
        info, lambda uow: journey_service.set_allowed_hosts(uow, c, development=development)
    )


async def _run_now(info: Info, input: ji.JourneyRunNowInput) -> JourneyRunPayload:
    journey_id = from_global_id(input.id, "Journey")
    claim, errors = await run(info, lambda uow: journey_service.request_run(uow, journey_id))
    if claim is None or info.context.keyed is not None:
        # Refused, or inside an Idempotency-Key request: the sweep runs it once committed.
        return JourneyRunPayload(journey_run=None, errors=errors)
    rt = info.context.runtime
    done = await JourneyRunner(rt.settings, rt.clock, rt.units).run_claim(claim.id)
    return JourneyRunPayload(journey_run=JourneyRun.from_row(done) if done else None, errors=[])


async def _report(info: Info, input: ji.JourneyResultReportInput) -> JourneyRunPayload:
    c = ReportJourneyResult(
        journey_id=from_global_id(input.journey_id, "Journey", "journeyId"),
        passed=input.passed,
        started_at=input.started_at,
        finished_at=input.finished_at,
        runner=input.runner.value,
        external_id=input.external_id,
        summary=input.summary,
        steps=tuple(s.command() for s in input.steps),
        deployment_id=_deployment_id(input.deployment_id, "deploymentId"),
    )

    async def record(uow: UnitOfWork) -> Any:
        return await journey_runs.record(uow, c)

    return await run_payload(info, record)


@strawberry.type
class PostreleaseJourneysQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This module's node types and loaders, for the schema's `node(id:)`."""
        return NODE_LOADERS

    @strawberry.field(description="A service's synthetic journeys, by key (at most 100).")
    async def service_journeys(self, info: Info, service_id: strawberry.ID) -> list[Journey]:
        sid = from_global_id(service_id, "Service", "serviceId")
        rows = await info.context.loaders.service_journeys.load(sid)
        return [Journey.from_row(r) for r in rows]

    @strawberry.field(description="The hosts a service's journeys may reach; null when unset.")
    async def service_journey_hosts(
        self, info: Info, service_id: strawberry.ID
    ) -> JourneyHosts | None:
        sid = from_global_id(service_id, "Service", "serviceId")
        found = await load_node(info.context.loaders.service_journey_hosts, JourneyHosts, sid)
        return found  # type: ignore[no-any-return]

    @strawberry.field(description="A journey's runs, oldest first.")
    async def journey_runs(
        self,
        info: Info,
        journey_id: strawberry.ID,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[JourneyRun]:
        jid = from_global_id(journey_id, "Journey", "journeyId")
        return await load_page(info.context.loaders.journey_runs, (jid, first, after), JourneyRun)

    @strawberry.field(
        description="The functional regressions found after a production deployment (a "
        "Deployment or a DeploymentReport), earliest first."
    )
    async def deployment_journey_regressions(
        self, info: Info, deployment_id: strawberry.ID
    ) -> list[JourneyRegression]:
        did = _deployment_id(deployment_id, "deploymentId")
        rows = await info.context.loaders.deployment_journey_regressions.load(did)
        return [JourneyRegression.from_row(r) for r in rows]


@strawberry.type
class PostreleaseJourneysMutation:
    journey_create = mutation_field(
        _create, ji.JourneyCreateInput, JourneyPayload, "Define a synthetic journey of a service."
    )
    journey_update = mutation_field(
        _update,
        ji.JourneyUpdateInput,
        JourneyPayload,
        "Change a journey (steps, owner, tier, schedule, enabled).",
    )
    journey_disable = journey_payload.by_id(
        ji.JourneyVersionInput,
        "Journey",
        journey_service.disable,
        description="Stop running a journey; its runs stay.",
    )
    journey_hosts_set = mutation_field(
        _hosts,
        ji.JourneyHostsSetInput,
        JourneyHostsPayload,
        "Set the hosts a service's journeys may send requests to.",
    )
    journey_run_now = mutation_field(
        _run_now,
        ji.JourneyRunNowInput,
        JourneyRunPayload,
        "Run a journey now with the built-in runner; the payload holds the run.",
    )
    journey_result_report = mutation_field(
        _report,
        ji.JourneyResultReportInput,
        JourneyRunPayload,
        "Report a run's result from an external runner (k6, Checkly, the blackbox exporter).",
    )
