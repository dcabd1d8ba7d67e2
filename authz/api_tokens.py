"""API tokens for scripts and CI: random bearer secrets of which only a hash is stored.

A token reads `sbx_` followed by 43 url-safe base64 characters (32 random bytes). The prefix
lets the app tell a token from a JWT without parsing, and lets secret scanners find leaked ones.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

API_TOKEN_PREFIX = "sbx_"
SECRET_BYTES = 32
#: Characters of the random part shown to people so they can tell their tokens apart. Six
#: base64 characters reveal 36 of the 256 random bits; the remaining 220 keep it unguessable.
DISPLAY_CHARS = 6

_TOKEN_PATTERN = re.compile(r"sbx_[A-Za-z0-9_-]{43}")


def generate_api_token() -> tuple[str, str, str]:
    """A new token as (secret to hand out once, SHA-256 hex to store, prefix to display)."""
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    return secret, hash_api_token(secret), display_prefix(secret)


def hash_api_token(secret: str) -> str:
    """The stored form of a token: SHA-256 hex of the whole secret.

    A slow password hash (argon2, bcrypt) exists to make guessing low-entropy human passwords
    expensive. These secrets carry 256 random bits, so no guess list exists to slow down, and a
    fast hash keeps the per-request lookup by hash cheap.
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    """The part of a token that may be shown in lists and audit records."""
    return secret[: len(API_TOKEN_PREFIX) + DISPLAY_CHARS]


def looks_like_api_token(value: str) -> bool:
    """Whether a bearer credential has the API token shape (a JWT never does: it has dots)."""
    return _TOKEN_PATTERN.fullmatch(value) is not None


def api_token_matches(secret: str, stored_hash: str) -> bool:
    """Whether secret hashes to stored_hash, compared in constant time."""
    return hmac.compare_digest(hash_api_token(secret), stored_hash)
