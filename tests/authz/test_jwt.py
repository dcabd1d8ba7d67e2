"""OIDC bearer tokens, verified against a real discovery + JWKS server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import json
import socket
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc.jwk import ECKey, Key, KeySet

from authz.jwt import (
    OidcSettings,
    TokenError,
    TokenErrorCode,
    VerifiedIdentity,
    verify_with_keyset,
)
from authz.oidc import JwksCache, JwtVerifier
from tests.support.oidc import (
    AUDIENCE,
    EC_KEY,
    EC_ROTATED,
    ED_KEY,
    NOW,
    RSA_KEY,
    STRANGER,
    FakeIssuer,
    b64,
    public_jwks,
    serve_issuer,
    sign,
)


@pytest.fixture(scope="module")
def issuer_server() -> Iterator[FakeIssuer]:
    with serve_issuer() as issuer:
        yield issuer


@pytest.fixture
def issuer(issuer_server: FakeIssuer) -> FakeIssuer:
    issuer_server.reset()
    return issuer_server


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


def make_verifier(
    issuer: FakeIssuer, monotonic: FakeMonotonic, now: datetime = NOW, **settings: Any
) -> JwtVerifier:
    oidc = OidcSettings(issuer=issuer.url, audience=AUDIENCE, **settings)
    return JwtVerifier(oidc, jwks=JwksCache(oidc, monotonic=monotonic), clock=lambda: now)


@pytest.fixture
def verifier(issuer: FakeIssuer, monotonic: FakeMonotonic) -> JwtVerifier:
    return make_verifier(issuer, monotonic)


async def refusal(verifier: JwtVerifier, token: str) -> TokenErrorCode:
    with pytest.raises(TokenError) as caught:
        await verifier.verify(token)
    if len(token) >= 8:  # shorter garbage can match words of the message by chance
        assert token not in str(caught.value)
    return caught.value.code


class TestAValidTokenIsAccepted:
    async def test_it_yields_the_identity_the_issuer_vouched_for(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        identity = await verifier.verify(issuer.token())

        assert identity == VerifiedIdentity(
            issuer=issuer.url,
            subject="user-1",
            username="ann",
            display_name="Ann Example",
            email="ann@example.com",
            groups=("release-managers", "sre"),
            claims=issuer.claims(),
            token_id="token-1",
            expires_at=NOW + timedelta(minutes=5),
        )

    @pytest.mark.parametrize(
        ("key", "alg"),
        [(RSA_KEY, "RS256"), (RSA_KEY, "PS256"), (EC_KEY, "ES256"), (ED_KEY, "EdDSA")],
    )
    async def test_every_default_algorithm_verifies(
        self, issuer: FakeIssuer, verifier: JwtVerifier, key: Key, alg: str
    ) -> None:
        identity = await verifier.verify(issuer.token(key, alg))

        assert identity.subject == "user-1"

    async def test_keys_are_discovered_once_and_then_cached(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        for _ in range(3):
            await verifier.verify(issuer.token())

        assert issuer.hits == Counter(discovery=1, jwks=1)

    async def test_an_explicit_jwks_url_skips_discovery(
        self, issuer: FakeIssuer, monotonic: FakeMonotonic
    ) -> None:
        verifier = make_verifier(issuer, monotonic, jwks_url=f"{issuer.url}/jwks.json")

        await verifier.verify(issuer.token())

        assert issuer.hits == Counter(jwks=1)

    async def test_a_token_without_kid_uses_the_only_key(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        issuer.jwks = public_jwks(EC_KEY)
        token = sign({"alg": "ES256"}, issuer.claims(), EC_KEY)

        assert (await verifier.verify(token)).subject == "user-1"

    async def test_missing_optional_claims_fall_back_sensibly(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(
            preferred_username=None, name=None, email=None, jti=None, groups="auditors"
        )

        identity = await verifier.verify(token)

        assert (identity.username, identity.display_name) == ("user-1", "user-1")
        assert (identity.email, identity.token_id, identity.groups) == (None, None, ("auditors",))

    async def test_claim_names_are_configurable_including_nested_paths(
        self, issuer: FakeIssuer, monotonic: FakeMonotonic
    ) -> None:
        verifier = make_verifier(
            issuer, monotonic, username_claim="upn", groups_claim="realm_access.roles"
        )
        token = issuer.token(upn="ann@corp", realm_access={"roles": ["rmo", 7, "rmo"]})

        identity = await verifier.verify(token)

        assert (identity.username, identity.groups) == ("ann@corp", ("rmo",))


class TestExpiryHonoursClockSkew:
    async def test_an_expired_token_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(exp=int((NOW - timedelta(minutes=2)).timestamp()))

        assert await refusal(verifier, token) is TokenErrorCode.EXPIRED

    async def test_a_token_expired_within_the_skew_is_accepted(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(exp=int((NOW - timedelta(seconds=30)).timestamp()))

        assert (await verifier.verify(token)).subject == "user-1"

    async def test_without_skew_the_same_token_is_refused(
        self, issuer: FakeIssuer, monotonic: FakeMonotonic
    ) -> None:
        verifier = make_verifier(issuer, monotonic, clock_skew_seconds=0)
        token = issuer.token(exp=int((NOW - timedelta(seconds=30)).timestamp()))

        assert await refusal(verifier, token) is TokenErrorCode.EXPIRED


class TestTokensFromTheFutureAreRefused:
    async def test_nbf_beyond_the_skew_is_not_yet_valid(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(nbf=int((NOW + timedelta(minutes=2)).timestamp()))

        assert await refusal(verifier, token) is TokenErrorCode.NOT_YET_VALID

    async def test_nbf_within_the_skew_is_accepted(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(nbf=int((NOW + timedelta(seconds=30)).timestamp()))

        assert (await verifier.verify(token)).subject == "user-1"

    async def test_iat_beyond_the_skew_is_not_yet_valid(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(iat=int((NOW + timedelta(minutes=2)).timestamp()))

        assert await refusal(verifier, token) is TokenErrorCode.NOT_YET_VALID

    async def test_a_non_numeric_nbf_is_an_invalid_claim(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        assert await refusal(verifier, issuer.token(nbf="soon")) is TokenErrorCode.INVALID_CLAIM


class TestIssuerAndAudienceMustMatch:
    async def test_another_issuer_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(iss="https://evil.example.com")

        assert await refusal(verifier, token) is TokenErrorCode.BAD_ISSUER

    async def test_another_audience_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        assert await refusal(verifier, issuer.token(aud="other-app")) is TokenErrorCode.BAD_AUDIENCE

    async def test_an_audience_list_without_ours_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(aud=["other-app", "third-app"])

        assert await refusal(verifier, token) is TokenErrorCode.BAD_AUDIENCE

    async def test_an_audience_list_containing_ours_is_accepted(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(aud=["other-app", AUDIENCE])

        assert (await verifier.verify(token)).subject == "user-1"


class TestRequiredClaims:
    @pytest.mark.parametrize("claim", ["sub", "exp", "iss", "aud"])
    async def test_a_token_without_it_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier, claim: str
    ) -> None:
        removed: dict[str, Any] = {claim: None}
        token = issuer.token(**removed)

        assert await refusal(verifier, token) is TokenErrorCode.MISSING_CLAIM

    async def test_an_empty_subject_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        assert await refusal(verifier, issuer.token(sub="")) is TokenErrorCode.INVALID_CLAIM


class TestOnlyAllowedAsymmetricAlgorithms:
    async def test_alg_none_is_refused(self, issuer: FakeIssuer, verifier: JwtVerifier) -> None:
        header = b64(json.dumps({"alg": "none", "kid": "ec-1"}).encode())
        token = f"{header}.{b64(json.dumps(issuer.claims()).encode())}."

        assert await refusal(verifier, token) is TokenErrorCode.ALGORITHM_REFUSED

    async def test_hs256_signed_with_the_public_key_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        public_pem = RSA_KEY.as_pem(private=False)
        header = b64(json.dumps({"alg": "HS256", "kid": "rsa-1"}).encode())
        signing_input = f"{header}.{b64(json.dumps(issuer.claims()).encode())}"
        mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()

        token = f"{signing_input}.{b64(mac)}"

        assert await refusal(verifier, token) is TokenErrorCode.ALGORITHM_REFUSED

    async def test_an_algorithm_outside_the_configured_list_is_refused(
        self, issuer: FakeIssuer, monotonic: FakeMonotonic
    ) -> None:
        verifier = make_verifier(issuer, monotonic, algorithms=("ES256",))

        code = await refusal(verifier, issuer.token(RSA_KEY, "RS256"))

        assert code is TokenErrorCode.ALGORITHM_REFUSED
        assert issuer.hits == Counter()  # refused before any key was fetched

    async def test_an_algorithm_that_does_not_fit_the_named_key_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        # Signed with the EC key, but naming the RSA key: the key type must match the alg.
        token = sign({"alg": "ES256", "kid": "rsa-1"}, issuer.claims(), EC_KEY)

        assert await refusal(verifier, token) is TokenErrorCode.ALGORITHM_REFUSED

    @pytest.mark.parametrize("alg", ["HS256", "HS512", "none", "ES256K", "RSA1_5"])
    def test_symmetric_or_unknown_algorithms_cannot_even_be_configured(self, alg: str) -> None:
        with pytest.raises(ValueError, match="asymmetric"):
            OidcSettings(issuer="https://idp.example.com", audience=AUDIENCE, algorithms=(alg,))


class TestSignatures:
    async def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        assert await refusal(verifier, issuer.token(STRANGER)) is TokenErrorCode.BAD_SIGNATURE

    async def test_a_payload_changed_after_signing_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        header, _, signature = issuer.token().split(".")
        forged = b64(json.dumps(issuer.claims(sub="admin")).encode())

        code = await refusal(verifier, f"{header}.{forged}.{signature}")

        assert code is TokenErrorCode.BAD_SIGNATURE

    @given(data=st.data())
    def test_no_single_character_change_survives(self, data: st.DataObject) -> None:
        # ECDSA signatures are randomized: sign once, so every example (and hypothesis's
        # replay of it) tampers with the same token.
        token = _signed_once()
        position = data.draw(st.integers(0, len(token) - 1))
        replacement = data.draw(st.sampled_from("AQgw_-.x").filter(lambda c: c != token[position]))
        tampered = token[:position] + replacement + token[position + 1 :]
        settings = OidcSettings(issuer="https://idp", audience=AUDIENCE)

        with pytest.raises(TokenError):
            verify_with_keyset(tampered, KeySet([EC_KEY]), settings, now=NOW)


@functools.cache
def _signed_once() -> str:
    claims = {"iss": "https://idp", "aud": AUDIENCE, "sub": "u", "exp": 2**31}
    return sign({"alg": "ES256", "kid": "ec-1"}, claims, EC_KEY)


class TestMalformedAndOversizedTokens:
    async def test_an_oversized_token_is_refused_before_parsing(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = "x" * 9000  # not even a JWS: parsing would have called it malformed

        assert await refusal(verifier, token) is TokenErrorCode.TOO_LARGE
        assert issuer.hits == Counter()

    async def test_a_well_formed_but_oversized_token_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = issuer.token(padding="p" * 8192)

        assert await refusal(verifier, token) is TokenErrorCode.TOO_LARGE

    @pytest.mark.parametrize(
        "token",
        ["", "abc", "a.b", "a.b.c.d", "eyJ.eyJ.sig", "é.é.é", "bm9uZQ.e30.", "WyJhbGciXQ.e30.x"],
    )
    async def test_garbage_is_malformed(
        self, issuer: FakeIssuer, verifier: JwtVerifier, token: str
    ) -> None:
        assert await refusal(verifier, token) is TokenErrorCode.MALFORMED

    async def test_a_crit_header_is_refused(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        token = sign({"alg": "ES256", "kid": "ec-1", "crit": ["exp"]}, issuer.claims(), EC_KEY)

        assert await refusal(verifier, token) is TokenErrorCode.MALFORMED

    @given(st.text(max_size=300))
    def test_any_text_is_refused_with_a_code_never_a_crash(self, text: str) -> None:
        settings = OidcSettings(issuer="https://idp", audience=AUDIENCE)

        with pytest.raises(TokenError) as caught:
            verify_with_keyset(text, KeySet([EC_KEY]), settings, now=NOW)

        assert caught.value.code in set(TokenErrorCode)


class TestUnknownKidRefetchesTheKeySet:
    async def test_a_rotated_key_is_picked_up(
        self, issuer: FakeIssuer, verifier: JwtVerifier, monotonic: FakeMonotonic
    ) -> None:
        await verifier.verify(issuer.token())
        issuer.jwks = public_jwks(EC_ROTATED)
        monotonic.advance(61)

        identity = await verifier.verify(issuer.token(EC_ROTATED))

        assert identity.subject == "user-1"
        assert issuer.hits["jwks"] == 2

    async def test_within_the_refresh_interval_an_unknown_kid_is_refused_without_fetching(
        self, issuer: FakeIssuer, verifier: JwtVerifier, monotonic: FakeMonotonic
    ) -> None:
        await verifier.verify(issuer.token())
        issuer.jwks = public_jwks(EC_ROTATED)
        monotonic.advance(59)

        code = await refusal(verifier, issuer.token(EC_ROTATED))

        assert code is TokenErrorCode.UNKNOWN_KEY
        assert issuer.hits["jwks"] == 1

    async def test_keys_older_than_the_max_age_are_fetched_again(
        self, issuer: FakeIssuer, verifier: JwtVerifier, monotonic: FakeMonotonic
    ) -> None:
        await verifier.verify(issuer.token())
        issuer.jwks = public_jwks(EC_ROTATED)  # the issuer withdrew ec-1
        monotonic.advance(3600)

        assert await refusal(verifier, issuer.token()) is TokenErrorCode.UNKNOWN_KEY


class TestAFloodOfUnknownKidsIsRateLimited:
    async def test_at_most_one_fetch_per_refresh_interval(
        self, issuer: FakeIssuer, verifier: JwtVerifier, monotonic: FakeMonotonic
    ) -> None:
        await verifier.verify(issuer.token())
        monotonic.advance(61)
        flood = [
            issuer.token(ECKey.generate_key("P-256", parameters={"kid": f"unknown-{n}"}))
            for n in range(50)
        ]

        first = await asyncio.gather(*(refusal(verifier, t) for t in flood))
        fetches_after_first_flood = issuer.hits["jwks"]
        second = await asyncio.gather(*(refusal(verifier, t) for t in flood))

        assert set(first) == set(second) == {TokenErrorCode.UNKNOWN_KEY}
        assert fetches_after_first_flood == 2
        assert issuer.hits["jwks"] == 2

    async def test_concurrent_first_requests_share_one_fetch(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        identities = await asyncio.gather(*(verifier.verify(issuer.token()) for _ in range(20)))

        assert {i.subject for i in identities} == {"user-1"}
        assert issuer.hits == Counter(discovery=1, jwks=1)

    async def test_waiting_requests_reuse_the_in_flight_fetch_even_without_an_interval(
        self, issuer: FakeIssuer, monotonic: FakeMonotonic
    ) -> None:
        verifier = make_verifier(issuer, monotonic, jwks_min_refresh_seconds=0)

        await asyncio.gather(*(verifier.verify(issuer.token()) for _ in range(20)))

        assert issuer.hits == Counter(discovery=1, jwks=1)


class TestUnavailableKeys:
    async def test_an_unreachable_issuer_gives_jwks_unavailable(
        self, issuer: FakeIssuer, monotonic: FakeMonotonic
    ) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        oidc = OidcSettings(issuer=f"http://127.0.0.1:{closed_port}", audience=AUDIENCE)
        verifier = JwtVerifier(oidc, jwks=JwksCache(oidc, monotonic=monotonic), clock=lambda: NOW)

        assert await refusal(verifier, issuer.token()) is TokenErrorCode.JWKS_UNAVAILABLE

    async def test_a_failing_issuer_gives_jwks_unavailable(
        self, issuer: FakeIssuer, verifier: JwtVerifier
    ) -> None:
        issuer.failing = True

        assert await refusal(verifier, issuer.token()) is TokenErrorCode.JWKS_UNAVAILABLE

    async def test_after_a_failure_requests_fail_fast_until_the_retry_delay(
        self, issuer: FakeIssuer, verifier: JwtVerifier, monotonic: FakeMonotonic
    ) -> None:
        issuer.failing = True
        await refusal(verifier, issuer.token())
        await refusal(verifier, issuer.token())
        failed_attempts = issuer.hits["discovery"]
        issuer.failing = False
        monotonic.advance(5)

        identity = await verifier.verify(issuer.token())

        assert failed_attempts == 1
        assert identity.subject == "user-1"

    async def test_cached_keys_keep_working_through_an_outage(
        self, issuer: FakeIssuer, verifier: JwtVerifier, monotonic: FakeMonotonic
    ) -> None:
        await verifier.verify(issuer.token())
        issuer.failing = True
        monotonic.advance(3600)

        assert (await verifier.verify(issuer.token())).subject == "user-1"

    async def test_a_discovery_document_for_another_issuer_is_refused(
        self, issuer: FakeIssuer, monotonic: FakeMonotonic
    ) -> None:
        oidc = OidcSettings(issuer=issuer.url + "/", audience=AUDIENCE)
        verifier = JwtVerifier(oidc, jwks=JwksCache(oidc, monotonic=monotonic), clock=lambda: NOW)

        assert await refusal(verifier, issuer.token()) is TokenErrorCode.JWKS_UNAVAILABLE


class TestKeysAreOnlyFetchedOverHttps:
    @pytest.mark.parametrize(
        "issuer_url", ["http://idp.example.com", "ftp://idp.example.com", "idp.example.com"]
    )
    def test_a_non_https_remote_issuer_is_refused(self, issuer_url: str) -> None:
        with pytest.raises(ValueError, match="https"):
            JwksCache(OidcSettings(issuer=issuer_url, audience=AUDIENCE))

    @pytest.mark.parametrize(
        "issuer_url", ["https://idp.example.com", "http://127.0.0.1:8080", "http://localhost"]
    )
    def test_https_and_loopback_are_allowed(self, issuer_url: str) -> None:
        JwksCache(OidcSettings(issuer=issuer_url, audience=AUDIENCE))

    def test_plain_http_can_be_allowed_explicitly(self) -> None:
        oidc = OidcSettings(
            issuer="http://keycloak:8080/realms/x", audience=AUDIENCE, allow_insecure_http=True
        )

        JwksCache(oidc)
