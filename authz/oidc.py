"""OIDC issuers reached through their JWKS: fetching and caching keys, and the verifier."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key, KeySet

from authz.jwt import (
    MAX_JWKS_DOCUMENT_BYTES,
    UNAVAILABLE_RETRY_SECONDS,
    OidcSettings,
    TokenError,
    TokenErrorCode,
    VerifiedIdentity,
    parse_token,
    utc_now,
    verify_with_keyset,
)

# --- fetching an issuer's keys ------------------------------------------------------------------


class _FetchError(Exception):
    pass


def check_fetch_url(url: str, *, allow_insecure_http: bool) -> None:
    """Raise ValueError unless keys may be fetched from url (https, or http to loopback)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        if allow_insecure_http or parts.hostname == "localhost":
            return
        try:
            if ipaddress.ip_address(parts.hostname).is_loopback:
                return
        except ValueError:
            pass
    raise ValueError(f"refusing to fetch signing keys from {url!r}: use https")


def import_signing_keys(document: object) -> KeySet:
    """The usable public signing keys of a JWKS document; keys we cannot use are skipped."""
    raw = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(raw, list):
        raise ValueError("JWKS document has no keys list")
    keys: list[Key] = []
    for item in raw:
        if not isinstance(item, dict) or item.get("use", "sig") != "sig":
            continue
        if item.get("kty") not in ("RSA", "EC", "OKP"):
            continue
        try:
            keys.append(JWKRegistry.import_key(item))
        except (JoseError, ValueError, TypeError):
            continue
    if not keys:
        raise ValueError("JWKS document holds no usable signing key")
    return KeySet(keys)


class JwksCache:
    """An issuer's key set, fetched lazily and re-fetched at most once per refresh interval."""

    def __init__(
        self,
        settings: OidcSettings,
        *,
        client: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._client = client
        self._monotonic = monotonic
        self._lock = asyncio.Lock()
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._attempted_at: float | None = None
        self._jwks_url = settings.jwks_url
        if settings.jwks_url is not None:
            check_fetch_url(settings.jwks_url, allow_insecure_http=settings.allow_insecure_http)
        else:
            check_fetch_url(
                settings.discovery_url, allow_insecure_http=settings.allow_insecure_http
            )

    async def keys(self) -> KeySet:
        """The cached keys; fetched on first use and once they are older than the max age."""
        keys = self._keys
        age = self._monotonic() - self._fetched_at
        if keys is not None and age < self._settings.jwks_max_age_seconds:
            return keys
        return await self._load(seen=keys)

    async def refresh(self, seen: KeySet | None) -> KeySet:
        """Fetch again because `seen` lacked a key; returns `seen` itself when rate-limited."""
        return await self._load(seen=seen)

    async def _load(self, *, seen: KeySet | None) -> KeySet:
        async with self._lock:
            current = self._keys
            if current is not None and current is not seen:
                return current  # another request fetched while this one waited
            now = self._monotonic()
            if not self._may_attempt(now):
                if current is not None:
                    return current
                raise TokenError(
                    TokenErrorCode.JWKS_UNAVAILABLE, "issuer keys are unavailable; retrying soon"
                )
            self._attempted_at = now
            try:
                fetched = await self._fetch()
            except _FetchError as error:
                if current is not None:
                    return current  # keep trusting the keys we have rather than lock everyone out
                raise TokenError(TokenErrorCode.JWKS_UNAVAILABLE, str(error)) from None
            self._keys = fetched
            self._fetched_at = now
            return fetched

    def _may_attempt(self, now: float) -> bool:
        if self._attempted_at is None:
            return True
        interval = float(self._settings.jwks_min_refresh_seconds)
        if self._keys is None:
            interval = min(interval, UNAVAILABLE_RETRY_SECONDS)
        return now - self._attempted_at >= interval

    @asynccontextmanager
    async def _http(self) -> AsyncIterator[httpx.AsyncClient]:
        if self._client is not None:
            yield self._client
            return
        async with httpx.AsyncClient(follow_redirects=False) as client:
            yield client

    async def _fetch(self) -> KeySet:
        async with self._http() as client:
            url = self._jwks_url or await self._discover(client)
            document = await self._get_json(client, url, "JWKS")
        try:
            keys = import_signing_keys(document)
        except ValueError as error:
            raise _FetchError(str(error)) from None
        self._jwks_url = url
        return keys

    async def _discover(self, client: httpx.AsyncClient) -> str:
        settings = self._settings
        document = await self._get_json(client, settings.discovery_url, "OIDC discovery")
        if not isinstance(document, dict) or document.get("issuer") != settings.issuer:
            raise _FetchError("OIDC discovery document names a different issuer")
        url = document.get("jwks_uri")
        if not isinstance(url, str):
            raise _FetchError("OIDC discovery document has no jwks_uri")
        try:
            check_fetch_url(url, allow_insecure_http=settings.allow_insecure_http)
        except ValueError as error:
            raise _FetchError(str(error)) from None
        return url

    async def _get_json(self, client: httpx.AsyncClient, url: str, what: str) -> object:
        body = bytearray()
        try:
            async with client.stream(
                "GET",
                url,
                headers={"Accept": "application/json"},
                timeout=self._settings.http_timeout_seconds,
            ) as response:
                if response.status_code != 200:
                    raise _FetchError(f"{what} endpoint answered HTTP {response.status_code}")
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_JWKS_DOCUMENT_BYTES:
                        raise _FetchError(f"{what} document is too large")
        except httpx.HTTPError as error:
            raise _FetchError(f"{what} endpoint unreachable ({type(error).__name__})") from None
        try:
            return json.loads(body)
        except ValueError:
            raise _FetchError(f"{what} document is not JSON") from None


class JwtVerifier:
    """Verifies bearer tokens from an external OIDC issuer."""

    def __init__(
        self,
        settings: OidcSettings,
        *,
        jwks: JwksCache | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.jwks = jwks if jwks is not None else JwksCache(settings)
        self._clock = clock

    async def verify(self, token: str) -> VerifiedIdentity:
        """The identity a valid token carries; raises TokenError with a stable code otherwise."""
        parsed = parse_token(token, self.settings)  # refuse junk before touching the network
        keys = await self.jwks.keys()
        try:
            return verify_with_keyset(parsed, keys, self.settings, now=self._clock())
        except TokenError as error:
            if error.code is not TokenErrorCode.UNKNOWN_KEY:
                raise
            fresh = await self.jwks.refresh(seen=keys)
            if fresh is keys:
                raise
        return verify_with_keyset(parsed, fresh, self.settings, now=self._clock())
