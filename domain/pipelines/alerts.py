"""Alertmanager alerts as rollback triggers.

A firing alert concerns a deployment by its labels:
- `signalbox_deployment`: the deployment's id (a UUID or its GraphQL global id), or else
- `service` (a Signalbox service key), optionally with `environment` (an environment key):
  every deployment of that service (in that environment) that is under way.

A firing alert that also names the version running in production (`version`, with `service`
and a production `environment`) is checked like a deployment report: a version no allowed
promotion covers is recorded once as an unauthorized change (domain.pipelines.unauthorized).

Each firing alert on a deployment under way records the alert, rolls the deployment back
(reason: the alert's name and summary; who: the caller) and emits one outbox event. The same
firing (deployment, fingerprint, startsAt) is handled at most once: Alertmanager retries and
repeats whole groups, and a repeat changes nothing and emits nothing. Resolved alerts, and
deployments the caller may not update, are left alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from domain.environments import facts as env_facts
from domain.kernel.access import Action, Resource
from domain.kernel.errors import Forbidden
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import deployment_repository as repo
from domain.pipelines import deployment_rules as rules
from domain.pipelines import deployments, promotion_repository, unauthorized
from domain.pipelines.deployment_commands import FiringAlert
from domain.pipelines.deployment_models import Deployment, DeploymentAlert
from domain.pipelines.named_ids import id_of
from domain.pipelines.snapshot import PRODUCTION
from domain.pipelines.unauthorized import ProductionDeployment
from domain.pipelines.unauthorized_rules import Reported
from domain.pipelines.vocabulary import ACTIVE_STATUSES, ChangeSource, RollbackTrigger

DEPLOYMENT_LABEL = "signalbox_deployment"
SERVICE_LABEL = "service"
ENVIRONMENT_LABEL = "environment"
VERSION_LABEL = "version"


class Handled(StrEnum):
    ROLLED_BACK = "rolled_back"
    RECORDED = "recorded"
    """Against a deployment that succeeded within WATCHED_AFTER: kept for its post-release
    review and post-mortems, nothing rolled back."""
    DUPLICATE = "duplicate"
    NOT_UNDER_WAY = "not_under_way"
    UNMATCHED = "unmatched"
    RESOLVED = "resolved"
    UNAUTHORIZED_CHANGE = "unauthorized_change"
    """The version the alert names runs in production with no allowed promotion."""


@dataclass(frozen=True, slots=True)
class AlertResult:
    alert: str
    fingerprint: str
    outcome: Handled
    deployment_id: uuid.UUID | None = None


def deployment_id_of(value: str) -> uuid.UUID | None:
    """A deployment id from a label: a UUID, or a `Deployment` global id."""
    return id_of(value, "Deployment")


def summary_of(alert: FiringAlert) -> str:
    a = alert.annotations
    return (a.get("summary") or a.get("description") or "").strip()


def reason_of(alert: FiringAlert) -> str:
    summary = summary_of(alert)
    return f"Alert {alert.name} fired" + (f": {summary}" if summary else ".")


async def _targets(uow: UnitOfWork, alert: FiringAlert) -> list[Deployment]:
    raw = alert.labels.get(DEPLOYMENT_LABEL)
    if raw:
        dep_id = deployment_id_of(raw)
        found = await repo.get_deployment(uow.session, dep_id) if dep_id else None
        return [found] if found is not None else []
    service = alert.labels.get(SERVICE_LABEL)
    if not service:
        return []
    return await repo.deployments_for_alert(
        uow.session,
        service,
        alert.labels.get(ENVIRONMENT_LABEL) or None,
        alert.fingerprint,
        alert.starts_at,
    )


async def handle_alerts(uow: UnitOfWork, alerts: list[FiringAlert]) -> list[AlertResult]:
    """Roll back the deployments under way that firing alerts concern; once per firing."""
    scope = uow.scope(Action.UPDATE, Resource.DEPLOYMENT)
    if scope.empty:
        raise Forbidden("You may not update deployments anywhere.")
    results: list[AlertResult] = []
    for alert in alerts:
        if alert.status != "firing":
            results.append(AlertResult(alert.name, alert.fingerprint, Handled.RESOLVED))
            continue
        if await _running_unauthorized(uow, alert):
            results.append(AlertResult(alert.name, alert.fingerprint, Handled.UNAUTHORIZED_CHANGE))
        targets = [d for d in await _targets(uow, alert) if scope.allows(d.bu_id)]
        if not targets:
            results.append(AlertResult(alert.name, alert.fingerprint, Handled.UNMATCHED))
        for found in targets:
            results.append(await _handle(uow, alert, found.id))
    return results


async def _handle(uow: UnitOfWork, alert: FiringAlert, deployment_id: uuid.UUID) -> AlertResult:
    def result(outcome: Handled) -> AlertResult:
        return AlertResult(alert.name, alert.fingerprint, outcome, deployment_id)

    dep = await deployments.visible_deployment(uow, deployment_id, lock=True)
    if await repo.alert_seen(uow.session, dep.id, alert.fingerprint, alert.starts_at):
        return result(Handled.DUPLICATE)
    watched = rules.watched(dep.status, dep.finished_at, alert.starts_at)
    if dep.status not in ACTIVE_STATUSES and not watched:
        return result(Handled.NOT_UNDER_WAY)
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT, dep.bu_id)
    received = DeploymentAlert(
        deployment_id=dep.id,
        fingerprint=alert.fingerprint,
        starts_at=alert.starts_at,
        alert_name=alert.name[:200],
        summary=summary_of(alert)[:2000],
        received_at=uow.clock.now(),
        received_by=uow.actor.username,
    )
    await uow.created(received, action="deployment_alert.create", bu_id=dep.bu_id, rule=rule)
    if watched:
        return result(Handled.RECORDED)
    await deployments.roll_back(
        uow, dep, trigger=RollbackTrigger.ALERT, reason=reason_of(alert), rule=rule, alert=alert
    )
    return result(Handled.ROLLED_BACK)


async def _running_unauthorized(uow: UnitOfWork, alert: FiringAlert) -> bool:
    """Whether the alert reveals a new unauthorized change: the version it names runs in a
    production environment, and no allowed promotion covers it."""
    version = alert.labels.get(VERSION_LABEL, "").strip()[:128]
    service_key = alert.labels.get(SERVICE_LABEL)
    env_key = alert.labels.get(ENVIRONMENT_LABEL)
    if not (version and service_key and env_key):
        return False
    service_id, env_id = await promotion_repository.ids_by_keys(uow.session, service_key, env_key)
    if service_id is None or env_id is None:
        return False
    env = await env_facts.environment(uow.session, env_id, field=None)
    service = await org_facts.service(uow.session, service_id, field=None)
    scope = uow.scope(Action.UPDATE, Resource.DEPLOYMENT)
    if env.kind != PRODUCTION or not scope.allows(service.bu_id):
        return False
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT, service.bu_id)
    reported = Reported(service.id, env.id, version)
    running = ProductionDeployment(
        reported, service.bu_id, ChangeSource.ALERT, None, f"alert {alert.name[:100]}"
    )
    return await unauthorized.flag_observed(uow, running, rule) is not None
