"""Bearer JWT verification: the claim rules (authz/oidc.py reaches issuers through their JWKS).

Only asymmetric signatures are accepted, so a verifier never holds a secret that could also
mint tokens, and the classic "HS256 signed with the public key" forgery cannot exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from joserfc import jws
from joserfc.errors import (
    ExceededSizeError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import ECKey, Key, KeySet, OKPKey, RSAKey
from joserfc.jws import CompactSignature, JWSRegistry
from joserfc.jwt import JWTClaimsRegistry
from joserfc.util import urlsafe_b64decode

#: Every algorithm the verifier can ever be configured with: signatures only, no MACs, no "none".
_RSA_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
_EC_ALGORITHMS = ("ES256", "ES384", "ES512")
_EDWARDS_ALGORITHMS = ("EdDSA", "Ed25519", "Ed448")  # RFC 9864 names the last two
ASYMMETRIC_ALGORITHMS = frozenset((*_RSA_ALGORITHMS, *_EC_ALGORITHMS, *_EDWARDS_ALGORITHMS))
DEFAULT_ALGORITHMS: tuple[str, ...] = ("RS256", "ES256", "PS256", "EdDSA")
MIN_RSA_BITS = 2048
MAX_JWKS_DOCUMENT_BYTES = 512 * 1024
#: After a failed fetch with nothing cached, how long a flood of requests fails fast.
UNAVAILABLE_RETRY_SECONDS = 5.0


class TokenErrorCode(StrEnum):
    MALFORMED = "TOKEN_MALFORMED"
    TOO_LARGE = "TOKEN_TOO_LARGE"
    EXPIRED = "TOKEN_EXPIRED"
    NOT_YET_VALID = "TOKEN_NOT_YET_VALID"
    BAD_SIGNATURE = "TOKEN_BAD_SIGNATURE"
    BAD_ISSUER = "TOKEN_BAD_ISSUER"
    BAD_AUDIENCE = "TOKEN_BAD_AUDIENCE"
    MISSING_CLAIM = "TOKEN_MISSING_CLAIM"
    INVALID_CLAIM = "TOKEN_INVALID_CLAIM"
    ALGORITHM_REFUSED = "TOKEN_ALGORITHM_REFUSED"
    UNKNOWN_KEY = "TOKEN_UNKNOWN_KEY"
    #: The issuer's keys could not be fetched: a server-side fault, not the caller's.
    JWKS_UNAVAILABLE = "JWKS_UNAVAILABLE"


class TokenError(Exception):
    """A token was refused. The message is safe to log: it never contains the token."""

    def __init__(self, code: TokenErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OidcSettings:
    """Who may issue tokens to Signalbox and how they are checked (also the local rules)."""

    issuer: str
    audience: str
    jwks_url: str | None = None
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    clock_skew_seconds: int = 60
    max_token_bytes: int = 8192
    jwks_min_refresh_seconds: int = 60
    #: Keys are re-fetched this long after the last fetch even without an unknown kid, so a
    #: key the issuer withdrew stops being trusted.
    jwks_max_age_seconds: int = 3600
    http_timeout_seconds: float = 5.0
    #: Plain http for discovery and JWKS lets anyone on the path swap the keys; only loopback
    #: hosts get it unless this is set.
    allow_insecure_http: bool = False
    subject_claim: str = "sub"
    username_claim: str = "preferred_username"
    name_claim: str = "name"
    email_claim: str = "email"
    groups_claim: str = "groups"

    def __post_init__(self) -> None:
        object.__setattr__(self, "algorithms", tuple(self.algorithms))
        if not self.issuer or not self.audience:
            raise ValueError("OIDC issuer and audience must both be set")
        refused = set(self.algorithms) - ASYMMETRIC_ALGORITHMS
        if refused or not self.algorithms:
            raise ValueError(
                f"only asymmetric signature algorithms may be accepted, refused: {sorted(refused)}"
            )
        if not 0 <= self.clock_skew_seconds <= 600:
            raise ValueError("clock_skew_seconds must be between 0 and 600")
        if self.max_token_bytes < 256:
            raise ValueError("max_token_bytes is too small for any real token")
        if self.jwks_min_refresh_seconds < 0 or self.jwks_max_age_seconds <= 0:
            raise ValueError("JWKS refresh intervals must be positive")

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class VerifiedIdentity:
    issuer: str
    subject: str
    username: str
    display_name: str
    email: str | None
    groups: tuple[str, ...]
    claims: dict[str, Any] = field(repr=False)
    token_id: str | None
    expires_at: datetime


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> VerifiedIdentity: ...


# --- the claim rules, shared by the OIDC verifier and the local issuer ---------------------------


class _Registry(JWSRegistry):
    # Header size is already bounded by max_token_bytes; joserfc's 512 bytes would refuse
    # issuers that put certificate thumbprints and chains in the header.
    max_header_length = 4096


_REGISTRY = _Registry(algorithms=sorted(ASYMMETRIC_ALGORITHMS), strict_check_header=False)


@dataclass(frozen=True)
class ParsedToken:
    """A token whose shape and algorithm were accepted; its signature is not yet checked."""

    jws: CompactSignature
    alg: str
    kid: str | None


def parse_token(token: str, settings: OidcSettings) -> ParsedToken:
    """Cheap refusals that need no key: size first, then structure, then the algorithm."""
    if not isinstance(token, str):
        raise TokenError(TokenErrorCode.MALFORMED, "token must be a string")
    if len(token) > settings.max_token_bytes:
        raise TokenError(
            TokenErrorCode.TOO_LARGE, f"token exceeds {settings.max_token_bytes} bytes"
        )
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        raise TokenError(TokenErrorCode.MALFORMED, "token is not ASCII") from None
    try:
        obj = jws.extract_compact(raw, registry=_REGISTRY)
    except ExceededSizeError:
        raise TokenError(TokenErrorCode.TOO_LARGE, "token part exceeds its size limit") from None
    except (JoseError, ValueError, TypeError):
        raise TokenError(TokenErrorCode.MALFORMED, "token is not a compact JWS") from None
    header: object = obj.headers()
    if not isinstance(header, dict):
        raise TokenError(TokenErrorCode.MALFORMED, "token header is not a JSON object")
    # No JWS extension is understood here; "b64": false would change what is signed.
    if "crit" in header or "b64" in header:
        raise TokenError(TokenErrorCode.MALFORMED, "token uses JWS extensions")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in settings.algorithms:
        shown = alg if isinstance(alg, str) and alg in JWSRegistry.algorithms else "unknown"
        raise TokenError(TokenErrorCode.ALGORITHM_REFUSED, f"algorithm {shown!r} is not accepted")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise TokenError(TokenErrorCode.MALFORMED, "token kid is not a string")
    return ParsedToken(jws=obj, alg=alg, kid=kid)


def verify_with_keyset(
    token: str | ParsedToken, keyset: KeySet, settings: OidcSettings, *, now: datetime
) -> VerifiedIdentity:
    """Verify signature and claims against the given keys; raises TokenError with a code."""
    parsed = token if isinstance(token, ParsedToken) else parse_token(token, settings)
    key = _select_key(keyset, parsed)
    signed = parsed.jws.segments
    try:
        signature = urlsafe_b64decode(signed["signature"])
        # Not registry.get_alg(): it warns on every "EdDSA" token (RFC 9864 deprecates the
        # name, not the algorithm); the allow-list was already enforced by parse_token.
        valid = JWSRegistry.algorithms[parsed.alg].verify(
            signed["header"] + b"." + signed["payload"], signature, key
        )
    except (JoseError, ValueError, TypeError):
        valid = False
    if not valid:
        raise TokenError(TokenErrorCode.BAD_SIGNATURE, "token signature does not verify")
    try:
        claims = json.loads(parsed.jws.payload)
    except ValueError:
        raise TokenError(TokenErrorCode.MALFORMED, "token payload is not JSON") from None
    if not isinstance(claims, dict):
        raise TokenError(TokenErrorCode.MALFORMED, "token payload is not a JSON object")
    _check_claims(claims, settings, now)
    return _identity(claims, settings)


def _select_key(keyset: KeySet, parsed: ParsedToken) -> Key:
    if parsed.kid is None:
        if len(keyset.keys) != 1:
            raise TokenError(
                TokenErrorCode.UNKNOWN_KEY, "token names no key and the issuer has several"
            )
        candidates = list(keyset.keys)
    else:
        candidates = [k for k in keyset.keys if k.kid == parsed.kid and k.get("use") != "enc"]
        if not candidates:
            raise TokenError(TokenErrorCode.UNKNOWN_KEY, "token names a key the issuer lacks")
    model = JWSRegistry.algorithms[parsed.alg]
    for key in candidates:
        if not isinstance(key, RSAKey | ECKey | OKPKey):
            continue
        try:
            model.check_key(key)  # key type, curve, declared "use" and "alg" must all fit
        except JoseError:
            continue
        if isinstance(key, RSAKey) and key.public_key.key_size < MIN_RSA_BITS:
            continue
        return key
    raise TokenError(
        TokenErrorCode.ALGORITHM_REFUSED, f"the token's key does not fit algorithm {parsed.alg!r}"
    )


_CLAIM_CODES = {
    "iss": TokenErrorCode.BAD_ISSUER,
    "aud": TokenErrorCode.BAD_AUDIENCE,
}


def _check_claims(claims: dict[str, Any], settings: OidcSettings, now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    rules = JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=settings.clock_skew_seconds,
        iss={"essential": True, "value": settings.issuer},
        aud={"essential": True, "value": settings.audience},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        rules.validate(claims)
    except ExpiredTokenError:
        raise TokenError(TokenErrorCode.EXPIRED, "token has expired") from None
    except MissingClaimError as error:
        raise TokenError(
            TokenErrorCode.MISSING_CLAIM, f"token lacks required claims: {error.claim}"
        ) from None
    except InvalidClaimError as error:
        name = error.claim
        if name in ("nbf", "iat") and _is_number(claims.get(name)):
            raise TokenError(
                TokenErrorCode.NOT_YET_VALID, f"token {name} is in the future"
            ) from None
        code = _CLAIM_CODES.get(name, TokenErrorCode.INVALID_CLAIM)
        raise TokenError(code, f"token claim {name!r} is not acceptable") from None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _claim(claims: dict[str, Any], name: str) -> Any:
    """A claim by exact name, else by dotted path (Keycloak's "realm_access.roles")."""
    if name in claims:
        return claims[name]
    node: Any = claims
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _identity(claims: dict[str, Any], settings: OidcSettings) -> VerifiedIdentity:
    subject = _text(_claim(claims, settings.subject_claim))
    if subject is None:
        raise TokenError(
            TokenErrorCode.MISSING_CLAIM,
            f"token lacks the subject claim {settings.subject_claim!r}",
        )
    email = _text(_claim(claims, settings.email_claim))
    username = _text(_claim(claims, settings.username_claim)) or email or subject
    raw_groups = _claim(claims, settings.groups_claim)
    if isinstance(raw_groups, str):
        raw_groups = [raw_groups]
    groups = (
        tuple(dict.fromkeys(g for g in raw_groups if isinstance(g, str) and g))
        if isinstance(raw_groups, list)
        else ()
    )
    try:
        expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    except (OverflowError, OSError, ValueError):
        raise TokenError(TokenErrorCode.INVALID_CLAIM, "token exp is out of range") from None
    return VerifiedIdentity(
        issuer=claims["iss"],
        subject=subject,
        username=username,
        display_name=_text(_claim(claims, settings.name_claim)) or username,
        email=email,
        groups=groups,
        claims=claims,
        token_id=_text(claims.get("jti")),
        expires_at=expires_at,
    )
