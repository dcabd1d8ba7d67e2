"""Signalbox as its own token issuer, for installations without an external OIDC provider.

The signing key is an ES256 (P-256) private JWK kept in the data directory. It is created
exactly once: every process that starts against the same directory ends up signing with, and
trusting, the same key.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from authz.jwt import OidcSettings, VerifiedIdentity, utc_now, verify_with_keyset

KEY_FILE_NAME = "local-signing-key.jwk.json"
SIGNING_ALGORITHM = "ES256"
RESERVED_CLAIMS = frozenset(
    {"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "preferred_username", "name"}
)
#: Where hard links are unsupported the key file is written in place; a reader that races the
#: writer sees a partial file for a moment and retries this long.
PARTIAL_FILE_WAIT_SECONDS = 2.0


class LocalIssuerError(Exception):
    """The local signing key cannot be used (unreadable, wrong kind, or exposed to others)."""


class LocalVerifier:
    """Verifies tokens minted by a LocalIssuer, without any network."""

    def __init__(
        self, keyset: KeySet, settings: OidcSettings, clock: Callable[[], datetime]
    ) -> None:
        self._keyset = keyset
        self.settings = settings
        self._clock = clock

    async def verify(self, token: str) -> VerifiedIdentity:
        """The identity a valid local token carries; raises TokenError otherwise."""
        return verify_with_keyset(token, self._keyset, self.settings, now=self._clock())


class LocalIssuer:
    """Mints and verifies Signalbox's own short-lived bearer tokens."""

    def __init__(self, key: ECKey, *, issuer: str, audience: str) -> None:
        if not key.is_private or key.curve_name != "P-256":
            raise LocalIssuerError("the local signing key must be a private P-256 key")
        key.ensure_kid()
        self._key = key
        self.settings = OidcSettings(
            issuer=issuer, audience=audience, algorithms=(SIGNING_ALGORITHM,)
        )
        public = ECKey.import_key(key.as_dict(private=False))
        self._public = KeySet([public])

    @classmethod
    def load_or_create(
        cls, data_dir: Path, issuer: str = "signalbox-local", audience: str = "signalbox"
    ) -> LocalIssuer:
        """The issuer whose key lives in data_dir, creating that key if there is none yet."""
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = data_dir / KEY_FILE_NAME
        if not path.exists():
            _create_key_file(path)
        return cls(_read_key_file(path), issuer=issuer, audience=audience)

    @property
    def kid(self) -> str:
        kid = self._key.kid
        assert kid is not None  # set by ensure_kid in __init__
        return kid

    def mint(
        self,
        subject: str,
        *,
        username: str,
        name: str,
        ttl: timedelta,
        now: datetime,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed token for subject, valid from now for ttl."""
        if not subject:
            raise ValueError("subject must not be empty")
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if ttl <= timedelta(0):
            raise ValueError("ttl must be positive")
        clashing = RESERVED_CLAIMS.intersection(extra_claims or {})
        if clashing:
            raise ValueError(f"extra_claims may not set {sorted(clashing)}")
        issued_at = int(now.timestamp())
        claims: dict[str, Any] = {
            **(extra_claims or {}),
            "iss": self.settings.issuer,
            "aud": self.settings.audience,
            "sub": subject,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + int(ttl.total_seconds()),
            "jti": secrets.token_urlsafe(16),
            "preferred_username": username,
            "name": name,
        }
        header = {"alg": SIGNING_ALGORITHM, "kid": self.kid}
        return jwt.encode(header, claims, self._key, algorithms=[SIGNING_ALGORITHM])

    def jwks(self) -> dict[str, Any]:
        """The public key set, suitable for a /.well-known/jwks.json endpoint."""
        return dict(self._public.as_dict(private=False))

    def verifier(self, *, clock: Callable[[], datetime] = utc_now) -> LocalVerifier:
        return LocalVerifier(self._public, self.settings, clock)


def _create_key_file(path: Path) -> None:
    key = ECKey.generate_key(
        "P-256", parameters={"alg": SIGNING_ALGORITHM, "use": "sig"}, private=True
    )
    key.ensure_kid()  # RFC 7638 thumbprint
    content = json.dumps(key.as_dict(private=True), indent=2).encode()
    # mkstemp creates the file 0600 whatever the umask.
    fd, temp_name = tempfile.mkstemp(prefix=".signing-key-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # link() publishes the complete file and fails if one exists: the first process
            # wins and every other one reads the winner's key. rename() would replace it.
            os.link(temp_name, path)
        except FileExistsError:
            return
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            _create_exclusively(path, content)
        _fsync_directory(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)


def _create_exclusively(path: Path, content: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_key_file(path: Path) -> ECKey:
    mode = path.stat().st_mode
    if stat.S_IMODE(mode) & 0o077:
        raise LocalIssuerError(
            f"{path} is readable by other users; restrict it with chmod 600 and restart"
        )
    deadline = time.monotonic() + PARTIAL_FILE_WAIT_SECONDS
    while True:
        try:
            data = json.loads(path.read_bytes())
            break
        except ValueError:
            if time.monotonic() >= deadline:
                raise LocalIssuerError(f"{path} does not hold a JSON Web Key") from None
            time.sleep(0.05)
    try:
        key = ECKey.import_key(data)
    except (JoseError, ValueError, TypeError):
        raise LocalIssuerError(f"{path} does not hold an EC JSON Web Key") from None
    if not key.is_private:
        raise LocalIssuerError(f"{path} holds a public key; the issuer needs the private key")
    return key
