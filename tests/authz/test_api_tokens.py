"""API tokens for scripts and CI: shape, stored hash, displayed prefix."""

from __future__ import annotations

import base64
import hashlib
import re
import string

from hypothesis import given
from hypothesis import strategies as st

from authz.api_tokens import (
    api_token_matches,
    display_prefix,
    generate_api_token,
    hash_api_token,
    looks_like_api_token,
)

URLSAFE = string.ascii_letters + string.digits + "-_"


class TestGeneratedTokensHaveTheDocumentedShape:
    def test_a_secret_is_the_prefix_and_43_url_safe_characters(self) -> None:
        secret, _, _ = generate_api_token()

        assert re.fullmatch(r"sbx_[A-Za-z0-9_-]{43}", secret)

    def test_the_random_part_decodes_to_32_bytes(self) -> None:
        secret, _, _ = generate_api_token()

        assert len(base64.urlsafe_b64decode(secret.removeprefix("sbx_") + "=")) == 32

    def test_no_two_tokens_are_alike(self) -> None:
        secrets = {generate_api_token()[0] for _ in range(1000)}

        assert len(secrets) == 1000

    def test_the_returned_hash_and_prefix_belong_to_the_secret(self) -> None:
        secret, digest, prefix = generate_api_token()

        assert digest == hash_api_token(secret)
        assert prefix == display_prefix(secret)


class TestTheStoredHash:
    def test_it_is_sha256_hex_of_the_whole_secret(self) -> None:
        secret = "sbx_" + "A" * 43

        assert hash_api_token(secret) == hashlib.sha256(secret.encode()).hexdigest()

    @given(st.text())
    def test_it_is_stable_and_64_hex_characters(self, secret: str) -> None:
        digest = hash_api_token(secret)

        assert digest == hash_api_token(secret)
        assert re.fullmatch(r"[0-9a-f]{64}", digest)

    def test_a_secret_matches_only_its_own_hash(self) -> None:
        secret, digest, _ = generate_api_token()
        other, _, _ = generate_api_token()

        assert api_token_matches(secret, digest)
        assert not api_token_matches(other, digest)
        assert not api_token_matches(secret[:-1], digest)


class TestTheDisplayPrefixDoesNotRevealTheSecret:
    def test_it_is_the_scheme_and_six_characters(self) -> None:
        secret, _, prefix = generate_api_token()

        assert len(prefix) == 10
        assert secret.startswith(prefix)

    def test_the_hidden_remainder_keeps_over_200_bits(self) -> None:
        secret, _, prefix = generate_api_token()

        hidden_bits = (len(secret) - len(prefix)) * 6

        assert hidden_bits >= 200

    def test_the_prefix_is_not_accepted_as_a_token(self) -> None:
        _, digest, prefix = generate_api_token()

        assert not looks_like_api_token(prefix)
        assert not api_token_matches(prefix, digest)


class TestApiTokensAreToldApartFromJwts:
    def test_a_generated_token_looks_like_one(self) -> None:
        assert looks_like_api_token(generate_api_token()[0])

    def test_a_jwt_does_not(self) -> None:
        jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"

        assert not looks_like_api_token(jwt)

    @given(st.text(alphabet=URLSAFE, min_size=43, max_size=43))
    def test_any_prefixed_43_character_url_safe_string_does(self, body: str) -> None:
        assert looks_like_api_token("sbx_" + body)

    @given(st.text())
    def test_what_looks_like_one_always_has_the_exact_shape(self, value: str) -> None:
        if looks_like_api_token(value):
            assert value.startswith("sbx_")
            assert len(value) == 47
            assert "." not in value

    @given(st.text(alphabet=URLSAFE, max_size=60).filter(lambda s: len(s) != 43))
    def test_a_wrong_length_never_does(self, body: str) -> None:
        assert not looks_like_api_token("sbx_" + body)

    @given(st.text(alphabet=URLSAFE, min_size=43, max_size=43), st.sampled_from(".=+/ \n"))
    def test_a_foreign_character_never_does(self, body: str, intruder: str) -> None:
        assert not looks_like_api_token("sbx_" + body[:-1] + intruder)
