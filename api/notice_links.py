"""Signed acknowledgement links of downtime notices: who may acknowledge for a team by link.

A link names one team's recipient row of one notice and is signed (itsdangerous, HMAC-SHA256
with a timestamp) under a key derived from SIGNALBOX_SECRET_KEY, or outside production a key
file in data_dir, so every process of a cluster signs and checks alike. Links are made by the
delivery worker when it sends the e-mail, never stored; a tampered link is BAD, an old one
EXPIRED, and neither changes anything.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from api.key_files import key_file
from api.settings import Settings
from domain.kernel.errors import Unavailable

ACK_PATH = "/notices/ack"
KEY_FILE = "notice-links.key"
SALT = "signalbox/downtime-ack-link/v1"


class LinkProblem(StrEnum):
    BAD_SIGNATURE = "BAD_SIGNATURE"
    LINK_EXPIRED = "LINK_EXPIRED"


@dataclass(frozen=True, slots=True)
class LinkRefused(Exception):
    problem: LinkProblem


def _key(settings: Settings) -> bytes:
    if settings.secret_key:
        first = settings.secret_key.split(",")[0].strip().encode()
        return hmac.new(first, SALT.encode(), hashlib.sha256).digest()
    if settings.production:
        raise Unavailable("Acknowledgement links need SIGNALBOX_SECRET_KEY in production.")
    return key_file(settings.data_dir.resolve(), KEY_FILE)


def _signer(settings: Settings, now: datetime) -> URLSafeTimedSerializer:
    """A serializer whose timestamps are the server's clock (`now`), not the host's."""

    class Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now.timestamp())

    return URLSafeTimedSerializer(_key(settings), salt=SALT, signer=Signer)


def sign(settings: Settings, recipient_id: uuid.UUID, now: datetime) -> str:
    """The token of a link acknowledging for one team's recipient row."""
    return str(_signer(settings, now).dumps(str(recipient_id)))


def ack_url(settings: Settings, recipient_id: uuid.UUID, now: datetime) -> str:
    base = settings.public_base_url.rstrip("/")
    return f"{base}{ACK_PATH}?{urlencode({'t': sign(settings, recipient_id, now)})}"


def verify(settings: Settings, token: str, now: datetime) -> uuid.UUID:
    """The recipient a token names; LinkRefused when it is forged, altered or too old."""
    max_age = settings.notice_link_max_age_hours * 3600
    try:
        value = _signer(settings, now).loads(token, max_age=max_age)
        return uuid.UUID(str(value))
    except SignatureExpired:
        raise LinkRefused(LinkProblem.LINK_EXPIRED) from None
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused(LinkProblem.BAD_SIGNATURE) from None
