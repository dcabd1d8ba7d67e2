"""Authentication: who is calling? Bearer JWTs (OIDC or the local issuer) and API tokens.

Token rows, people and verified JWTs are cached for seconds, and every grant change, token
revocation or deactivation drops the caches (`forget_tokens`). Other processes learn of those
through the grant watcher, so on PostgreSQL the caches are trusted only while the watcher is
`current` (see `follow`): while its connection is down, reconnecting or catching up, every
request reads the token or person and the caller's grants from the database, and nothing read
then is cached. A value read before the caches were dropped is never cached after (an epoch).
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from api.settings import Settings
from api.units import Units
from authz.api_tokens import hash_api_token, looks_like_api_token
from authz.jwt import OidcSettings, TokenError, TokenErrorCode, TokenVerifier, VerifiedIdentity
from authz.local_issuer import LocalIssuer
from authz.oidc import JwtVerifier
from domain.kernel.access import Actor
from domain.kernel.clock import Clock
from domain.kernel.db import Database
from domain.kernel.errors import Unauthenticated, Unavailable
from domain.organization import identity as people
from domain.organization import repository as org_repo

log = logging.getLogger("signalbox.auth")

LAST_USED_RESOLUTION = timedelta(minutes=1)
"""API tokens record their last use at this resolution, not on every request."""


def build_verifier(s: Settings, clock: Clock) -> tuple[TokenVerifier, LocalIssuer | None]:
    if s.oidc_issuer:
        oidc = OidcSettings(
            issuer=s.oidc_issuer,
            audience=s.oidc_audience,
            jwks_url=s.oidc_jwks_url,
            algorithms=tuple(s.oidc_algorithms),
            clock_skew_seconds=s.oidc_clock_skew_seconds,
            max_token_bytes=s.max_token_bytes,
            jwks_min_refresh_seconds=s.oidc_jwks_min_refresh_seconds,
            subject_claim=s.oidc_subject_claim,
            username_claim=s.oidc_username_claim,
            name_claim=s.oidc_name_claim,
            email_claim=s.oidc_email_claim,
            groups_claim=s.oidc_groups_claim,
        )
        return JwtVerifier(oidc, clock=clock.now), None
    issuer = LocalIssuer.load_or_create(s.data_dir, issuer=s.local_issuer, audience=s.oidc_audience)
    return issuer.verifier(clock=clock.now), issuer


class _TtlCache:
    """A small LRU with expiry for identity → person lookups (avoids a query per request)."""

    def __init__(self, size: int = 4096, ttl: float = 30.0) -> None:
        self._data: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._size, self._ttl = size, ttl

    def get(self, key: Any) -> Any:
        hit = self._data.get(key)
        if hit is None or hit[0] < time.monotonic():
            self._data.pop(key, None)
            return None
        self._data.move_to_end(key)
        return hit[1]

    def put(self, key: Any, value: Any) -> None:
        self._data[key] = (time.monotonic() + self._ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self._size:
            self._data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()


class Authenticator:
    """Bearer credential → actor; first sign-ins and token telemetry commit through `units`."""

    def __init__(self, settings: Settings, clock: Clock, db: Database, units: Units) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        self.units = units
        self.verifier, self.local_issuer = build_verifier(settings, clock)
        self.issuer = settings.oidc_issuer or settings.local_issuer
        self._people = _TtlCache()
        self._tokens = _TtlCache(ttl=10.0)
        self._verified = _TtlCache(size=8192, ttl=30.0)
        self._epoch = 0
        self._current: Callable[[], bool] = lambda: True  # one process (SQLite): always
        self._check_grants: Callable[[tuple[str, ...]], Awaitable[None]] | None = None

    def follow(
        self,
        current: Callable[[], bool],
        check_grants: Callable[[tuple[str, ...]], Awaitable[None]],
    ) -> None:
        """Trust the caches only while `current()`; otherwise read the database and have
        `check_grants(subjects)` re-read the caller's grants before the request goes on."""
        self._current = current
        self._check_grants = check_grants

    async def authenticate(self, authorization: str | None) -> Actor:
        if not authorization:
            raise Unauthenticated("Send a bearer token: Authorization: Bearer <token>.")
        scheme, _, credential = authorization.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthenticated("Only bearer tokens are accepted.")
        if len(credential) > self.settings.max_token_bytes:
            raise Unauthenticated("The token is too large.", code="UNAUTHENTICATED")
        if looks_like_api_token(credential):
            return await self._checked(self._api_token, credential)
        return await self._checked(self._jwt, credential)

    async def authenticate_api_key(self, key: str) -> Actor:
        """OFREP's optional `X-API-Key` header: an API token (`sbx_…`), never a JWT."""
        key = key.strip()
        if len(key) > self.settings.max_token_bytes or not looks_like_api_token(key):
            raise Unauthenticated("X-API-Key takes an API token (sbx_…).")
        return await self._checked(self._api_token, key)

    async def _checked(
        self, authenticate: Callable[[str, int | None], Awaitable[Actor]], credential: str
    ) -> Actor:
        # The epoch is taken before anything is read: None means "caches not trusted now".
        current = self._current()
        actor = await authenticate(credential, self._epoch if current else None)
        if not current and self._check_grants is not None:
            await self._check_grants(actor.subjects)
        return actor

    def _remember(self, cache: _TtlCache, key: Any, value: Any, epoch: int | None) -> None:
        # Read under an older epoch, the value may predate a revocation the caches forgot.
        if epoch is not None and epoch == self._epoch:
            cache.put(key, value)

    async def _jwt(self, token: str, epoch: int | None) -> Actor:
        # A token verified moments ago is not verified again: its signature cannot have
        # changed. The entry lives at most 30 s and never past the token's own expiry, and is
        # dropped at once when grants change or someone is deactivated.
        digest = hashlib.sha256(token.encode()).digest()
        hit = self._verified.get(digest) if epoch is not None else None
        if hit is not None and self.clock.now() < hit[1]:
            return hit[0]  # type: ignore[no-any-return]
        try:
            identity = await self.verifier.verify(token)
        except TokenError as exc:
            if exc.code is TokenErrorCode.JWKS_UNAVAILABLE:
                raise Unavailable(
                    "The identity provider's keys cannot be fetched; retry shortly."
                ) from None
            raise Unauthenticated(f"The token was refused ({exc.code}).") from None
        cache_key = (identity.issuer, identity.subject, identity.groups)
        actor: Actor | None = self._people.get(cache_key) if epoch is not None else None
        if actor is None:
            actor = await self._actor_for(identity)
            self._remember(self._people, cache_key, actor, epoch)
        self._remember(self._verified, digest, (actor, identity.expires_at), epoch)
        return actor

    async def _actor_for(self, identity: VerifiedIdentity) -> Actor:
        async with self.db.read_session() as session:
            person = await org_repo.person_by_subject(session, identity.issuer, identity.subject)
            person_row = (
                (person.id, person.username, person.display_name, person.active) if person else None
            )
        if person_row is None:
            if self.local_issuer is not None:
                raise Unauthenticated("No such user.")
            person_row = await self._provision(identity)
        person_id, username, display_name, active = person_row
        if not active:
            raise Unauthenticated("This user is deactivated.")
        if self.settings.oidc_group_roles and self.local_issuer is None:
            await self._sync_groups(person_id, identity.groups)
        return Actor(
            person_id=person_id,
            username=username,
            display_name=display_name,
            subjects=(f"person:{person_id}",),
            via="jwt",
        )

    async def _provision(self, identity: VerifiedIdentity) -> tuple[uuid.UUID, str, str, bool]:
        """First sign-in of an OIDC user: create the person (audited as the system)."""
        person = await self.units.run(
            lambda uow: people.provision_person(
                uow,
                issuer=identity.issuer,
                subject=identity.subject,
                username=identity.username,
                display_name=identity.display_name,
                email=identity.email,
            )
        )
        return person.id, person.username, person.display_name, person.active

    async def _sync_groups(self, person_id: uuid.UUID, groups: tuple[str, ...]) -> None:
        mapping = self.settings.oidc_group_roles
        desired: set[tuple[str, str, str]] = set()
        for group in groups:
            for spec in mapping.get(group, []):
                desired.add((group, *_parse_role_spec(spec)))
        changed = await self.units.run(
            lambda uow: people.sync_group_grants(uow, person_id, desired)
        )
        if changed:
            log.info("synced group grants", extra={"person_id": str(person_id)})

    async def _api_token(self, secret: str, epoch: int | None) -> Actor:
        digest = hash_api_token(secret)
        row = self._tokens.get(digest) if epoch is not None else None
        if row is None:
            async with self.db.read_session() as session:
                row = await org_repo.token_by_hash(session, digest)
            if row is None:
                raise Unauthenticated("The API token is not known.")
            self._remember(self._tokens, digest, row, epoch)
        now = self.clock.now()
        if row.revoked_at is not None:
            raise Unauthenticated("The API token was revoked.")
        if row.expires_at is not None and row.expires_at <= now:
            raise Unauthenticated("The API token has expired.")
        if not row.active:
            raise Unauthenticated("The token's owner is deactivated.")
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            # Telemetry, not a state change worth an audit.
            await self.units.run(lambda uow: org_repo.touch_token(uow.session, row.id, now))
            self._tokens.clear()
        return Actor(
            person_id=row.person_id,
            username=row.username,
            display_name=row.display_name,
            subjects=(f"person:{row.person_id}", f"token:{row.id}"),
            token_id=row.id,
            via="api_token",
        )

    def forget_tokens(self) -> None:
        """Drop cached token rows, people and verified JWTs (after a revocation, a
        deactivation, a grant change or a reconnection, so it takes effect at once)."""
        self._epoch += 1
        self._tokens.clear()
        self._people.clear()
        self._verified.clear()


def _parse_role_spec(spec: str) -> tuple[str, str]:
    """`role` (org-wide) or `role@<bu key>` from SIGNALBOX_OIDC_GROUP_ROLES."""
    role, _, bu_key = spec.partition("@")
    return role, bu_key or "*"
