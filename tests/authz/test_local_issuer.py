"""Signalbox's own issuer: one signing key per data directory, tokens only it can mint."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from joserfc.jwk import ECKey, KeySet, KeySetSerialization

from authz.jwt import OidcSettings, TokenError, TokenErrorCode, verify_with_keyset
from authz.local_issuer import KEY_FILE_NAME, LocalIssuer, LocalIssuerError

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=15)


def mint(issuer: LocalIssuer, subject: str = "user-1") -> str:
    return issuer.mint(subject, username="ann", name="Ann Example", ttl=TTL, now=NOW)


class TestTheSigningKeyIsCreatedOnce:
    def test_it_is_a_private_file_only_the_owner_can_read(self, tmp_path: Path) -> None:
        LocalIssuer.load_or_create(tmp_path)

        mode = stat.S_IMODE((tmp_path / KEY_FILE_NAME).stat().st_mode)

        assert mode == 0o600

    def test_later_loads_reuse_it(self, tmp_path: Path) -> None:
        first = LocalIssuer.load_or_create(tmp_path)
        content = (tmp_path / KEY_FILE_NAME).read_bytes()

        second = LocalIssuer.load_or_create(tmp_path)

        assert second.kid == first.kid
        assert (tmp_path / KEY_FILE_NAME).read_bytes() == content
        assert second.jwks() == first.jwks()

    def test_its_kid_is_the_rfc7638_thumbprint(self, tmp_path: Path) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)

        stored = json.loads((tmp_path / KEY_FILE_NAME).read_text())

        assert issuer.kid == ECKey.import_key(stored).thumbprint() == stored["kid"]

    def test_a_missing_data_directory_is_created(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "nested" / "data"

        LocalIssuer.load_or_create(data_dir)

        assert (data_dir / KEY_FILE_NAME).is_file()

    def test_no_temporary_files_are_left_behind(self, tmp_path: Path) -> None:
        LocalIssuer.load_or_create(tmp_path)

        assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE_NAME]


class TestRacingProcessesShareOneKey:
    def run_concurrently(self, data_dir: Path, count: int = 8) -> set[str]:
        barrier = threading.Barrier(count)
        kids: list[str] = []
        errors: list[BaseException] = []

        def load() -> None:
            try:
                barrier.wait(timeout=10)
                kids.append(LocalIssuer.load_or_create(data_dir).kid)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=load) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors
        assert len(kids) == count
        return set(kids)

    def test_concurrent_first_loads_agree_on_one_key(self, tmp_path: Path) -> None:
        kids = self.run_concurrently(tmp_path)

        assert kids == {LocalIssuer.load_or_create(tmp_path).kid}
        assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE_NAME]

    def test_they_agree_even_where_hard_links_are_unsupported(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def no_links(src: str, dst: str) -> None:
            raise OSError(errno.EPERM, "hard links not supported here")

        monkeypatch.setattr(os, "link", no_links)

        kids = self.run_concurrently(tmp_path)

        assert len(kids) == 1
        assert stat.S_IMODE((tmp_path / KEY_FILE_NAME).stat().st_mode) == 0o600


class TestAnExposedOrForeignKeyFileIsRefused:
    def test_a_key_file_readable_by_others_is_refused(self, tmp_path: Path) -> None:
        LocalIssuer.load_or_create(tmp_path)
        (tmp_path / KEY_FILE_NAME).chmod(0o644)

        with pytest.raises(LocalIssuerError, match="chmod 600"):
            LocalIssuer.load_or_create(tmp_path)

    def test_a_public_key_alone_is_refused(self, tmp_path: Path) -> None:
        public = ECKey.generate_key("P-256").as_dict(private=False)
        path = tmp_path / KEY_FILE_NAME
        path.write_text(json.dumps(public))
        path.chmod(0o600)

        with pytest.raises(LocalIssuerError, match="private key"):
            LocalIssuer.load_or_create(tmp_path)


class TestMintedTokensVerify:
    async def test_a_minted_token_yields_its_identity(self, tmp_path: Path) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)

        identity = await issuer.verifier(clock=lambda: NOW).verify(mint(issuer))

        assert (identity.issuer, identity.subject) == ("signalbox-local", "user-1")
        assert (identity.username, identity.display_name) == ("ann", "Ann Example")
        assert identity.expires_at == NOW + TTL
        assert identity.token_id is not None
        assert identity.claims["aud"] == "signalbox"
        assert identity.claims["iat"] == identity.claims["nbf"] == int(NOW.timestamp())

    async def test_it_verifies_after_the_issuer_is_loaded_again(self, tmp_path: Path) -> None:
        token = mint(LocalIssuer.load_or_create(tmp_path))

        reloaded = LocalIssuer.load_or_create(tmp_path)

        assert (await reloaded.verifier(clock=lambda: NOW).verify(token)).subject == "user-1"

    async def test_extra_claims_are_carried(self, tmp_path: Path) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)
        token = issuer.mint(
            "bot-7", username="ci", name="CI", ttl=TTL, now=NOW, extra_claims={"groups": ["ci"]}
        )

        identity = await issuer.verifier(clock=lambda: NOW).verify(token)

        assert identity.groups == ("ci",)

    async def test_it_expires_after_its_ttl(self, tmp_path: Path) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)
        later = NOW + TTL + timedelta(minutes=2)

        with pytest.raises(TokenError) as caught:
            await issuer.verifier(clock=lambda: later).verify(mint(issuer))

        assert caught.value.code is TokenErrorCode.EXPIRED

    async def test_each_token_has_its_own_id(self, tmp_path: Path) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)
        verifier = issuer.verifier(clock=lambda: NOW)

        ids = {(await verifier.verify(mint(issuer))).token_id for _ in range(5)}

        assert len(ids) == 5

    def test_the_published_jwks_verifies_the_token_and_holds_no_private_part(
        self, tmp_path: Path
    ) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)
        jwks = issuer.jwks()
        settings = OidcSettings(issuer="signalbox-local", audience="signalbox")

        identity = verify_with_keyset(
            mint(issuer), KeySet.import_key_set(cast(KeySetSerialization, jwks)), settings, now=NOW
        )

        assert identity.subject == "user-1"
        assert [sorted(k) for k in jwks["keys"]] == [["alg", "crv", "kid", "kty", "use", "x", "y"]]


class TestForeignTokensAreRefused:
    async def test_a_token_from_another_key_is_refused(self, tmp_path: Path) -> None:
        ours = LocalIssuer.load_or_create(tmp_path / "ours")
        theirs = LocalIssuer.load_or_create(tmp_path / "theirs")

        with pytest.raises(TokenError) as caught:
            await ours.verifier(clock=lambda: NOW).verify(mint(theirs))

        assert caught.value.code is TokenErrorCode.UNKNOWN_KEY

    async def test_another_key_claiming_our_kid_is_refused(self, tmp_path: Path) -> None:
        ours = LocalIssuer.load_or_create(tmp_path / "ours")
        impostor_key = ECKey.generate_key("P-256", parameters={"kid": ours.kid})
        impostor = LocalIssuer(impostor_key, issuer="signalbox-local", audience="signalbox")

        with pytest.raises(TokenError) as caught:
            await ours.verifier(clock=lambda: NOW).verify(mint(impostor))

        assert caught.value.code is TokenErrorCode.BAD_SIGNATURE

    async def test_a_token_for_another_audience_is_refused(self, tmp_path: Path) -> None:
        ours = LocalIssuer.load_or_create(tmp_path)
        elsewhere = LocalIssuer.load_or_create(tmp_path, audience="another-app")

        with pytest.raises(TokenError) as caught:
            await ours.verifier(clock=lambda: NOW).verify(mint(elsewhere))

        assert caught.value.code is TokenErrorCode.BAD_AUDIENCE


class TestMintingRefusesNonsense:
    @pytest.mark.parametrize("claim", ["sub", "exp", "iss", "aud", "name"])
    def test_extra_claims_cannot_override_the_standard_ones(
        self, tmp_path: Path, claim: str
    ) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)

        with pytest.raises(ValueError, match=claim):
            issuer.mint("u", username="u", name="U", ttl=TTL, now=NOW, extra_claims={claim: "x"})

    def test_a_naive_now_is_refused(self, tmp_path: Path) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)

        with pytest.raises(ValueError, match="timezone"):
            issuer.mint("u", username="u", name="U", ttl=TTL, now=datetime(2030, 1, 1))

    def test_a_non_positive_ttl_is_refused(self, tmp_path: Path) -> None:
        issuer = LocalIssuer.load_or_create(tmp_path)

        with pytest.raises(ValueError, match="ttl"):
            issuer.mint("u", username="u", name="U", ttl=timedelta(0), now=NOW)
