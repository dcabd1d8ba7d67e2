"""The transactional outbox, sealed secrets and webhook URLs (signatures: tests/domain/pipelines/test_signatures.py)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel import outbox
from domain.kernel.outbox import OutboxMessage, RetryPolicy
from domain.kernel.sealed import Sealer, SealError
from domain.pipelines import webhooks

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=10, cap_seconds=300, max_attempts=3, lease_seconds=60)


async def add(session: AsyncSession, key: str, at: datetime = NOW) -> OutboxMessage | None:
    return await outbox.enqueue(session, topic="t", key=key, payload={"k": key}, now=at)


async def row(session: AsyncSession, key: str) -> OutboxMessage:
    found = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    assert found is not None
    await session.refresh(found)
    return found


class TestEnqueue:
    async def test_a_key_is_enqueued_once(self, session: AsyncSession) -> None:
        first = await add(session, "k-once")
        assert first is not None
        assert await add(session, "k-once") is None
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.key == "k-once"))
        assert len(rows.all()) == 1

    async def test_an_empty_key_is_a_programming_error(self, session: AsyncSession) -> None:
        with pytest.raises(ValueError):
            await add(session, "")


class TestClaimAndRetry:
    async def test_a_claim_leases_due_messages_oldest_first(self, session: AsyncSession) -> None:
        # Earlier than any other test's messages, so only these two are due (the database is
        # shared with API tests whose messages are committed and due by now).
        far = datetime(2001, 1, 1, tzinfo=UTC)
        await add(session, "c-late", far + timedelta(seconds=2))
        await add(session, "c-early", far + timedelta(seconds=1))
        claimed = await outbox.claim(
            session, now=far + timedelta(seconds=2), limit=500, policy=POLICY
        )
        mine = [c.key for c in claimed if c.key.startswith("c-")]
        assert mine == ["c-early", "c-late"]
        assert all(c.attempts == 1 for c in claimed if c.key.startswith("c-"))
        again = await outbox.claim(
            session, now=far + timedelta(seconds=3), limit=500, policy=POLICY
        )
        assert not [c for c in again if c.key.startswith("c-")], "leased ones are not due"

    async def test_failures_back_off_exponentially_then_die_kept_with_the_error(
        self, session: AsyncSession
    ) -> None:
        await add(session, "r-fail")
        msg = await row(session, "r-fail")
        for attempt, delay in ((1, 10), (2, 20)):
            await outbox.mark_failed(
                session, msg.id, attempts=attempt, error="HTTP 503", now=NOW, policy=POLICY
            )
            msg = await row(session, "r-fail")
            assert msg.available_at == NOW + timedelta(seconds=delay)
            assert msg.dead_at is None
        await outbox.mark_failed(
            session, msg.id, attempts=3, error="HTTP 503", now=NOW, policy=POLICY
        )
        msg = await row(session, "r-fail")
        assert (msg.dead_at, msg.last_error, msg.delivered_at) == (NOW, "HTTP 503", None)
        assert not await outbox.has_due(session, NOW - timedelta(days=1))

    async def test_a_delivered_message_is_never_due_again(self, session: AsyncSession) -> None:
        await add(session, "d-done")
        msg = await row(session, "d-done")
        await outbox.mark_delivered(session, msg.id, NOW)
        msg = await row(session, "d-done")
        assert msg.delivered_at == NOW
        claimed = await outbox.claim(session, now=NOW, limit=500, policy=POLICY)
        assert "d-done" not in [c.key for c in claimed]


class TestBackoffPolicy:
    @given(st.integers(1, 10_000))
    def test_the_delay_never_exceeds_the_cap_and_never_shrinks(self, attempts: int) -> None:
        assert POLICY.delay(attempts) <= timedelta(seconds=POLICY.cap_seconds)
        assert POLICY.delay(attempts + 1) >= POLICY.delay(attempts)


class TestSealedSecrets:
    def test_a_sealed_secret_opens_with_its_key_only(self, tmp_path: Path) -> None:
        sealer = Sealer.load_or_create(tmp_path / "a")
        sealed = sealer.seal("whsec_abc")
        assert "whsec_abc" not in sealed
        assert sealer.unseal(sealed) == "whsec_abc"
        with pytest.raises(SealError):
            Sealer.load_or_create(tmp_path / "b").unseal(sealed)

    def test_the_key_file_is_created_once_and_private(self, tmp_path: Path) -> None:
        first = Sealer.load_or_create(tmp_path)
        sealed = first.seal("s")
        assert Sealer.load_or_create(tmp_path).unseal(sealed) == "s"
        mode = stat.S_IMODE((tmp_path / "secret-key.fernet").stat().st_mode)
        assert mode == 0o600

    def test_a_rotated_key_list_still_opens_old_secrets(self) -> None:
        from cryptography.fernet import Fernet

        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        sealed = Sealer.from_setting(old).seal("s")
        assert Sealer.from_setting(f"{new},{old}").unseal(sealed) == "s"

    def test_a_key_that_is_not_a_fernet_key_is_refused(self) -> None:
        with pytest.raises(SealError):
            Sealer.from_setting("not-a-key")


class TestWebhookUrls:
    @pytest.mark.parametrize(
        ("url", "loopback_ok", "ok"),
        [
            ("https://hooks.example.com/signalbox", False, True),
            ("http://hooks.example.com/signalbox", True, False),
            ("http://127.0.0.1:9000/hook", True, True),
            ("http://localhost/hook", True, True),
            ("http://127.0.0.1:9000/hook", False, False),
            ("https://user:pw@hooks.example.com/", False, False),
            ("ftp://hooks.example.com/", False, False),
            ("https:///nohost", False, False),
            ("https://hooks.example.com:99999/", False, False),
            ("https://10.0.0.7/hook", False, False),
            ("https://169.254.169.254/latest/meta-data", False, False),
            ("https://[::1]/hook", False, False),
            ("https://localhost/hook", False, False),
            ("https://10.0.0.7/hook", True, True),
        ],
    )
    def test_only_https_or_loopback_http_in_development(
        self, url: str, loopback_ok: bool, ok: bool
    ) -> None:
        from domain.kernel.errors import DomainError

        if ok:
            assert webhooks.check_url(url, allow_loopback_http=loopback_ok) == url
        else:
            with pytest.raises(DomainError) as caught:
                webhooks.check_url(url, allow_loopback_http=loopback_ok)
            assert (caught.value.code, caught.value.field) == ("INVALID_WEBHOOK_URL", "url")
