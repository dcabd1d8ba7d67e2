"""Outbound webhooks: subscriptions, signatures, the events they carry, and the fan-out.

An event goes into the outbox once (destination None), in the transaction of the change, with
every form it can take (Signalbox JSON, CDEvent). The delivery worker fans it out: one child
message per (active subscription of the event's BU or org-wide, topic it listens to), each
delivered and retried on its own, so one slow receiver never re-sends to the others.

Signature: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), keyed
with the subscription's secret (`whsec_<base64>`), so a receiver verifies a delivery with a
stock library (`standardwebhooks.Webhook(secret).verify(body, headers)`); see
domain.pipelines.signatures. The old `X-Signalbox-Signature` goes along for one more release.
"""

from __future__ import annotations

import ipaddress
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel import outbox
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.sealed import Sealer
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import deployment_repository as repo
from domain.pipelines import signatures
from domain.pipelines.deployment_commands import CreateWebhookSubscription
from domain.pipelines.deployment_errors import DeploymentErrorCode as Code
from domain.pipelines.deployment_models import WebhookSubscription

CDEVENTS_SPEC_VERSION = "0.5.1"
SERVICE_ROLLEDBACK_TYPE = "dev.cdevents.service.rolledback.0.3.0"
EVENT_SOURCE = "/signalbox"
MAX_URL_CHARS = 2000
DESTINATION_PREFIX = "webhook:"
SECRET_BYTES = 32


class WebhookTopic(StrEnum):
    DEPLOYMENT_ROLLED_BACK = "deployment.rolled_back"
    """Signalbox JSON: the deployment and the rollback decision."""
    CDEVENTS_SERVICE_ROLLEDBACK = "dev.cdevents.service.rolledback"
    """The CDEvent service.rolledback (0.3.0), with CloudEvents binary-mode headers."""
    UNAUTHORIZED_CHANGE_DETECTED = "unauthorized_change.detected"
    """Signalbox JSON, incident-like: a production deployment no allowed promotion covers."""
    AUDIT_CHECKPOINT = "audit.checkpoint"
    """A signed checkpoint of the audit trail, for an external witness (org-wide subscriptions)."""
    DOWNTIME_NOTICE_ISSUED = "downtime_notice.issued"
    """Signalbox JSON: a breaking release's notice (window, impact, contact), to each BU whose
    teams own a service downstream of it, naming those teams and services."""
    DOWNTIME_NOTICE_ESCALATED = "downtime_notice.escalated"
    """Signalbox JSON: the teams still silent after the notice period, escalated."""
    DEFECT_PATTERN_DETECTED = "defect.pattern.detected"
    """Signalbox JSON: a new defect pattern of a period, as a technical-debt or test-automation
    backlog item (domain.postrelease.defect_patterns)."""


CDEVENT_TOPICS = frozenset({WebhookTopic.CDEVENTS_SERVICE_ROLLEDBACK})
CE_TYPES: dict[str, str] = {WebhookTopic.CDEVENTS_SERVICE_ROLLEDBACK: SERVICE_ROLLEDBACK_TYPE}


# -- signatures ------------------------------------------------------------------------------


def new_secret() -> str:
    """A subscription's secret, in the Standard Webhooks form stock libraries take."""
    return signatures.standard_secret(secrets.token_bytes(SECRET_BYTES))


def delivery_headers(
    *, topic: str, message_id: uuid.UUID, event_id: str, body: bytes, secret: str, at: datetime
) -> dict[str, str]:
    """Headers of one delivery: JSON, the Standard Webhooks signature (`webhook-id` is the
    delivery's id, the same on every retry), the deprecated Signalbox signature, and
    CloudEvents binary headers for CDEvents."""
    headers = {
        "content-type": "application/json",
        "x-signalbox-event": topic,
        "x-signalbox-delivery": str(message_id),
        **signatures.standard_headers(
            signatures.standard_signer(secret), str(message_id), at, body
        ),
        signatures.SIGNALBOX_HEADER: signatures.signalbox_out(secret, body, int(at.timestamp())),
    }
    ce_type = CE_TYPES.get(topic)
    if ce_type is not None:
        headers.update(
            {
                "ce-id": event_id,
                "ce-source": EVENT_SOURCE,
                "ce-type": ce_type,
                "ce-specversion": "1.0",
            }
        )
    return headers


# -- events ----------------------------------------------------------------------------------


def rfc3339(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def artifact_purl(service_key: str, version: str, digest: str | None) -> str:
    """A package URL for the artifact: OCI by digest when known, else generic by version."""
    name = quote(service_key, safe="")
    if digest is not None:
        return f"pkg:oci/{name}@{quote(digest, safe='')}"
    return f"pkg:generic/{name}@{quote(version, safe='')}"


def service_rolledback_cdevent(
    *,
    event_id: uuid.UUID,
    at: datetime,
    service_key: str,
    environment_key: str,
    artifact_id: str,
    custom: dict[str, Any],
) -> dict[str, Any]:
    """The CDEvent service.rolledback 0.3.0 (CDEvents spec 0.5.1)."""
    return {
        "context": {
            "specversion": CDEVENTS_SPEC_VERSION,
            "id": str(event_id),
            "source": EVENT_SOURCE,
            "type": SERVICE_ROLLEDBACK_TYPE,
            "timestamp": rfc3339(at),
        },
        "subject": {
            "id": service_key,
            "source": f"{EVENT_SOURCE}/services",
            "content": {
                "environment": {"id": environment_key, "source": f"{EVENT_SOURCE}/environments"},
                "artifactId": artifact_id,
            },
        },
        "customData": custom,
        "customDataContentType": "application/json",
    }


# -- subscriptions ---------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _internal(host: str) -> bool:
    """An address literal no production webhook should reach (server-side request forgery)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast


def check_url(url: str, *, allow_loopback_http: bool) -> str:
    """An https URL (plain http only to a loopback address, in development), no credentials;
    outside development, never an internal address literal (loopback, private, link-local).
    A name resolving to an internal address is the network's to stop (egress rules)."""

    def refuse(why: str) -> DomainError:
        return DomainError(why, code=Code.INVALID_WEBHOOK_URL, field="url")

    url = url.strip()
    if not 1 <= len(url) <= MAX_URL_CHARS:
        raise refuse(f"A webhook URL is 1 to {MAX_URL_CHARS} characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise refuse("That is not a URL.") from None
    if parts.scheme not in ("https", "http") or not host:
        raise refuse("A webhook URL is https://host/path.")
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise refuse("A webhook URL carries no credentials and no fragment.")
    if parts.scheme == "http" and not (allow_loopback_http and _is_loopback(host)):
        raise refuse("Webhooks go over https (plain http only to loopback, in development).")
    if not allow_loopback_http and _internal(host):
        raise refuse("A webhook may not target an internal address.")
    return url


def check_topics(topics: list[str]) -> list[str]:
    allowed = {str(t) for t in WebhookTopic}
    chosen = sorted(set(topics))
    if not chosen or not set(chosen) <= allowed:
        raise DomainError(
            f"Topics are one or more of: {', '.join(sorted(allowed))}.",
            code=Code.INVALID_TOPICS,
            field="topics",
        )
    return chosen


@dataclass(frozen=True, slots=True)
class CreatedSubscription:
    subscription: WebhookSubscription
    secret: str
    """Shown once, here; only its sealed form is kept."""


async def create_subscription(
    uow: UnitOfWork, c: CreateWebhookSubscription, sealer: Sealer
) -> CreatedSubscription:
    """Subscribe a URL to topics (of one BU's events, or org-wide with none); returns the secret."""
    if c.bu_id is not None:
        await org_facts.business_unit(
            uow.session, c.bu_id, readable_in=uow.scope(Action.READ, Resource.BUSINESS_UNIT)
        )
    rule = uow.authorize(Action.CREATE, Resource.WEBHOOK, c.bu_id)
    url = check_url(c.url, allow_loopback_http=c.allow_loopback_http)
    topics = check_topics(c.topics)
    secret = new_secret()
    now = uow.clock.now()
    sub = WebhookSubscription(
        bu_id=c.bu_id,
        url=url,
        topics=topics,
        secret_sealed=sealer.seal(secret),
        secret_hint=secret[-4:],
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    await uow.created(
        sub,
        action="webhook_subscription.create",
        bu_id=c.bu_id,
        rule=rule,
        exclude=("secret_sealed",),
    )
    return CreatedSubscription(sub, secret)


async def revoke_subscription(
    uow: UnitOfWork, subscription_id: uuid.UUID, version: int
) -> WebhookSubscription:
    """Stop deliveries to a subscription; pending ones are dropped when their turn comes."""
    sub = await repo.get_subscription(uow.session, subscription_id)
    scope = uow.scope(Action.READ, Resource.WEBHOOK)
    if sub is None or not (scope.allows(sub.bu_id) or (sub.bu_id is None and scope.everywhere)):
        raise NotFound("Webhook subscription was not found.")
    rule = uow.authorize(Action.REVOKE, Resource.WEBHOOK, sub.bu_id)
    expect_version(sub, version, "The webhook subscription")
    if sub.revoked_at is not None:
        raise DomainError("The subscription is already revoked.", code=Code.SUBSCRIPTION_REVOKED)
    before = snapshot(sub, exclude=("secret_sealed",))
    sub.revoked_at = uow.clock.now()
    sub.revoked_by_id = uow.actor.person_id
    await uow.updated(
        sub,
        before,
        action="webhook_subscription.revoke",
        bu_id=sub.bu_id,
        rule=rule,
        exclude=("secret_sealed",),
    )
    return sub


# -- fan-out (run by the delivery worker, inside its claim transaction) ----------------------


def event_forms(payload: dict[str, Any]) -> dict[str, Any]:
    """The forms an event can be delivered in, by topic."""
    forms = payload.get("forms")
    return forms if isinstance(forms, dict) else {}


async def fan_out(session: AsyncSession, event: outbox.Claimed, now: datetime) -> int:
    """One delivery message per (subscription, topic it listens to); returns how many."""
    forms = event_forms(event.payload)
    made = 0
    for sub in await repo.subscriptions_for(session, event.bu_id):
        for topic in sub.topics:
            if topic not in forms:
                continue
            added = await outbox.enqueue(
                session,
                topic=topic,
                key=f"{event.key}>{sub.id}:{topic}",
                payload={"eventId": str(event.id), "body": forms[topic]},
                now=now,
                bu_id=event.bu_id,
                destination=f"{DESTINATION_PREFIX}{sub.id}",
            )
            made += added is not None
    await outbox.mark_delivered(session, event.id, now)
    return made


def subscription_of(destination: str | None) -> uuid.UUID | None:
    if destination is None or not destination.startswith(DESTINATION_PREFIX):
        return None
    try:
        return uuid.UUID(destination.removeprefix(DESTINATION_PREFIX))
    except ValueError:
        return None
