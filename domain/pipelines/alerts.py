"""Alertmanager alerts as rollback triggers.

A firing alert concerns a deployment by its labels:
- `signalbox_deployment`: the deployment's id (a UUID or its GraphQL global id), or else
- `service` (a Signalbox service key), optionally with `environment` (an environment key):
  every deployment of that service (in that environment) that is under way.

Each firing alert on a deployment under way records the alert, rolls the deployment back
(reason: the alert's name and summary; who: the caller) and emits one outbox event. The same
firing (deployment, fingerprint, startsAt) is handled at most once: Alertmanager retries and
repeats whole groups, and a repeat changes nothing and emits nothing. Resolved alerts, and
deployments the caller may not update, are left alone.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from enum import StrEnum

from domain.kernel.access import Action, Resource
from domain.kernel.errors import Forbidden
from domain.kernel.uow import UnitOfWork
from domain.pipelines import deployment_repository as repo
from domain.pipelines import deployments
from domain.pipelines.deployment_commands import FiringAlert
from domain.pipelines.deployment_models import Deployment, DeploymentAlert
from domain.pipelines.vocabulary import ACTIVE_STATUSES, RollbackTrigger

DEPLOYMENT_LABEL = "signalbox_deployment"
SERVICE_LABEL = "service"
ENVIRONMENT_LABEL = "environment"


class Handled(StrEnum):
    ROLLED_BACK = "rolled_back"
    DUPLICATE = "duplicate"
    NOT_UNDER_WAY = "not_under_way"
    UNMATCHED = "unmatched"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertResult:
    alert: str
    fingerprint: str
    outcome: Handled
    deployment_id: uuid.UUID | None = None


def deployment_id_of(value: str) -> uuid.UUID | None:
    """A deployment id from a label: a UUID, or a `Deployment` global id."""
    value = value.strip()
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    try:
        type_name, _, raw = base64.urlsafe_b64decode(value.encode()).decode().partition(":")
        return uuid.UUID(raw) if type_name == "Deployment" else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


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
    if dep.status not in ACTIVE_STATUSES:
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
    await deployments.roll_back(
        uow, dep, trigger=RollbackTrigger.ALERT, reason=reason_of(alert), rule=rule, alert=alert
    )
    return result(Handled.ROLLED_BACK)
