"""Webhook signatures, both ways: the one place that signs and checks an HMAC of a body.

- Standard Webhooks (https://www.standardwebhooks.com), signed and checked with the
  `standardwebhooks` package: `webhook-id: <message id>`, `webhook-timestamp: <unix seconds>`,
  `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>." + body)>` (several,
  space-separated, while a key rotates). The key is the base64 after `whsec_` of the secret.
  Outbound deliveries are signed so; the CDEvents receiver accepts it.
- GitHub's: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(key, body)>`, the key being the
  secret's UTF-8 bytes. Accepted in; it carries no timestamp, so replays are stopped by what is
  delivered being idempotent (a CDEvent's source, id and type), not by the signature.
- Signalbox's own, deprecated (accepted in and sent out for one more release): in,
  `X-Signalbox-Timestamp: <unix seconds>` and `X-Signalbox-Signature: sha256=<hex
  HMAC-SHA256(secret, "<timestamp>." + body)>`; out, `X-Signalbox-Signature: t=<unix
  seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.

A timestamp further than TOLERANCE from the receiver's clock is refused (replays).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError

TOLERANCE = timedelta(minutes=5)
"""A signed request is refused when its timestamp is further than this from the receiver's now."""
STANDARD_PREFIX = "whsec_"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
GITHUB_HEADER = "x-hub-signature-256"
SIGNALBOX_HEADER = "x-signalbox-signature"
SIGNALBOX_TIMESTAMP_HEADER = "x-signalbox-timestamp"


class Scheme(StrEnum):
    """How a request was signed."""

    STANDARD_WEBHOOKS = "standard-webhooks"
    GITHUB = "github"
    SIGNALBOX = "signalbox"
    """Deprecated: Signalbox's own scheme, accepted for one more release."""


def recent(timestamp: str, now: datetime) -> bool:
    """Whether a Unix-seconds timestamp is within TOLERANCE of now."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(now - datetime.fromtimestamp(int(timestamp), tz=UTC)) <= TOLERANCE


# -- Standard Webhooks -------------------------------------------------------------------------


def standard_secret(key: bytes) -> str:
    """The `whsec_<base64>` form of a key, as Standard Webhooks libraries take it."""
    return STANDARD_PREFIX + base64.b64encode(key).decode()


def standard_signer(secret: str) -> Webhook:
    """The signer a stock library builds from the secret as given (`whsec_<base64>`); a secret
    that is no base64 (subscriptions made before Standard Webhooks) signs with its UTF-8 bytes,
    as a library given those bytes raw does."""
    try:
        return Webhook(secret)
    except (binascii.Error, ValueError, EmptyWebhookSecretError):
        return Webhook(secret.encode())


def standard_headers(signer: Webhook, message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers of one delivery."""
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(int(at.timestamp())),
        SIGNATURE_HEADER: signer.sign(message_id, at, body),
    }


def standard_valid(
    key: bytes, message_id: str, timestamp: str, offered: str, body: bytes, now: datetime
) -> bool:
    """Whether one of the offered `v1,` signatures is right and the timestamp recent."""
    if not message_id or not recent(timestamp, now):
        return False
    at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    expected = Webhook(key).sign(message_id, at, body)
    return any(hmac.compare_digest(expected, one) for one in offered.split())


# -- GitHub ------------------------------------------------------------------------------------


def github_signature(key: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def github_valid(key: bytes, offered: str, body: bytes) -> bool:
    return hmac.compare_digest(github_signature(key, body), offered.strip())


# -- Signalbox's own (deprecated) --------------------------------------------------------------


def signalbox_in(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body): the timestamp is signed
    too, so an old request cannot be replayed under a fresh timestamp."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signalbox_in_valid(
    secret: str, timestamp: str, offered: str, body: bytes, now: datetime
) -> bool:
    """Whether the offered signature is right and its timestamp (Unix seconds) is recent."""
    if not recent(timestamp, now):
        return False
    return hmac.compare_digest(signalbox_in(secret, timestamp, body), offered.strip())


def signalbox_out(secret: str, body: bytes, at: int) -> str:
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def signalbox_out_valid(secret: str, body: bytes, header: str, now: int) -> bool:
    """What a receiver of the old outbound scheme does: the v1 HMAC matches, the time is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    at = parts.get("t", "")
    if not at.isdigit() or abs(now - int(at)) > TOLERANCE.total_seconds():
        return False
    expected = signalbox_out(secret, body, int(at)).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
