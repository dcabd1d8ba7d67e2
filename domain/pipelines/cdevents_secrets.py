"""Webhook secrets for CDEvents in: per-BU shared secrets that sign events sent without a token.

HMAC verification needs the secret itself, so a hash will not do, and storing it encrypted
would keep a decryptable copy of every secret in the database. Instead each secret is derived:
`secret = "sbx_whk_" + base64url(HMAC-SHA256(master key, "signalbox-webhook:" + salt))`, with a
random salt stored per secret and the master key held by the server (a setting, never in the
database). The secret is shown once, at creation; a database dump alone cannot sign requests;
`key_id` records which master key a secret was derived under, so rotating the master key
invalidates every secret visibly (re-create them), and revoking one secret needs no key change.

Requests are signed with the secret's UTF-8 bytes as the HMAC key, in any scheme of
domain.pipelines.signatures: Standard Webhooks (whose libraries take the key as
`standard_webhooks_secret(secret)`, `whsec_<base64>`), GitHub's `X-Hub-Signature-256`, or the
deprecated Signalbox headers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Action, Actor, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound, Unauthenticated
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import repository as repo
from domain.pipelines import signatures
from domain.pipelines.commands import CreateWebhookSecret, RevokeWebhookSecret, SignedRequest
from domain.pipelines.errors import CdEventErrorCode, EvidenceErrorCode
from domain.pipelines.models import WebhookSecret

SECRET_PREFIX = "sbx_whk_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,199}$")


def key_id(master_key: bytes) -> str:
    """A fingerprint of the master key (never the key)."""
    return hashlib.sha256(b"signalbox-webhook-key-id:" + master_key).hexdigest()[:16]


def standard_webhooks_secret(secret: str) -> str:
    """The secret in the form Standard Webhooks libraries take (`whsec_<base64 of it>`)."""
    return signatures.standard_secret(secret.encode())


def derive_secret(master_key: bytes, salt: str) -> str:
    mac = hmac.new(master_key, b"signalbox-webhook:" + salt.encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.urlsafe_b64encode(mac).decode().rstrip("=")


@dataclass(frozen=True, slots=True)
class CreatedSecret:
    row: WebhookSecret
    secret: str
    """Shown once: Signalbox could derive it again, but never shows it again."""


def webhook_actor(row: WebhookSecret) -> Actor:
    """Who acts for a signed request: the secret itself (it names no person)."""
    return Actor(
        person_id=None,
        username=f"webhook:{row.name}"[:200],
        display_name=f"Webhook secret {row.name}",
        subjects=(f"webhook:{row.id}",),
        via="webhook",
    )


def webhook_rule(row: WebhookSecret) -> str:
    """The audit trail's rule for what a secret does: it signs for its BU, nothing more."""
    return f"webhook secret {row.name} ({row.id}) signs CDEvents for its business unit"


async def create_webhook_secret(
    uow: UnitOfWork, c: CreateWebhookSecret, master_key: bytes
) -> CreatedSecret:
    """A new secret for the BU's CI/CD tools to sign CDEvents with."""
    bu = await org_facts.business_unit(uow.session, c.bu_id)
    rule = uow.authorize_visible(Action.CREATE, Resource.WEBHOOK, bu.id, "Business unit")
    name = c.name.strip()
    if not NAME_PATTERN.match(name):
        raise DomainError(
            "A name is 1-200 letters, digits, spaces and . _ -.",
            code=EvidenceErrorCode.INVALID_NAME,
            field="name",
        )
    if await repo.webhook_secret_named(uow.session, bu.id, name) is not None:
        raise AlreadyExists(f"{bu.key} already has a webhook secret named {name}.", field="name")
    salt = secrets.token_hex(32)
    secret = derive_secret(master_key, salt)
    row = WebhookSecret(
        bu_id=bu.id,
        name=name,
        salt=salt,
        key_id=key_id(master_key),
        prefix=secret[: len(SECRET_PREFIX) + 4],
        created_at=uow.clock.now(),
        created_by_id=uow.actor.person_id,
    )
    await uow.created(row, action="webhook.create", bu_id=bu.id, rule=rule)
    return CreatedSecret(row, secret)


async def revoke_webhook_secret(uow: UnitOfWork, c: RevokeWebhookSecret) -> WebhookSecret:
    """Stop a secret from signing anything from now on."""
    row = await repo.webhook_secret(uow.session, c.secret_id)
    if row is None:
        raise NotFound("Webhook secret was not found.")
    rule = uow.authorize_visible(Action.REVOKE, Resource.WEBHOOK, row.bu_id, "Webhook secret")
    expect_version(row, c.version, "The webhook secret")
    if row.revoked_at is not None:
        raise DomainError(
            "This webhook secret is already revoked.",
            code=EvidenceErrorCode.WEBHOOK_SECRET_REVOKED,
        )
    before = snapshot(row)
    row.revoked_at = uow.clock.now()
    row.revoked_by_id = uow.actor.person_id
    await uow.updated(row, before, action="webhook.revoke", bu_id=row.bu_id, rule=rule)
    return row


class BadSignature(Unauthenticated):
    """Unknown or revoked secret, wrong signature, or a stale timestamp: all answer alike."""

    code = CdEventErrorCode.BAD_SIGNATURE  # type: ignore[assignment]


def signed_by(secret: str, req: SignedRequest) -> bool:
    """Whether the request is signed with this secret, in its scheme, and (where the scheme
    carries a timestamp) recently."""
    key, now = secret.encode(), req.received_at
    match req.scheme:
        case signatures.Scheme.STANDARD_WEBHOOKS:
            return signatures.standard_valid(
                key, req.message_id, req.timestamp, req.signature, req.body, now
            )
        case signatures.Scheme.GITHUB:
            return signatures.github_valid(key, req.signature, req.body)
        case signatures.Scheme.SIGNALBOX:
            return signatures.signalbox_in_valid(
                secret, req.timestamp, req.signature, req.body, now
            )


async def verify_signed(
    session: AsyncSession, req: SignedRequest, master_key: bytes
) -> WebhookSecret:
    """The active secret that signed this request, or BadSignature."""
    row = await repo.webhook_secret(session, req.secret_id)
    refused = BadSignature(
        "The request is not signed by an active webhook secret, or its timestamp is not "
        "within 5 minutes of now."
    )
    if row is None or row.revoked_at is not None or row.key_id != key_id(master_key):
        raise refused
    if not signed_by(derive_secret(master_key, row.salt), req):
        raise refused
    return row
