"""Webhook signatures: Standard Webhooks (checked against the stock library), GitHub's, and
Signalbox's own deprecated schemes; fresh ones verify, tampering and replays do not."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from domain.pipelines import signatures as sig
from domain.pipelines.webhooks import delivery_headers, new_secret

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
STAMP = str(int(NOW.timestamp()))
BODY = b'{"a":1}'


class TestStandardWebhooks:
    def test_a_new_subscription_secret_is_one_stock_libraries_take(self) -> None:
        secret = new_secret()
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
        assert new_secret() != secret

    def test_our_headers_are_what_the_spec_computes(self) -> None:
        key = b"k" * 32
        headers = sig.standard_headers(Webhook(key), "msg_1", NOW, BODY)
        mac = hmac.new(key, f"msg_1.{STAMP}.".encode() + BODY, hashlib.sha256).digest()
        assert headers == {
            "webhook-id": "msg_1",
            "webhook-timestamp": STAMP,
            "webhook-signature": "v1," + base64.b64encode(mac).decode(),
        }

    def test_a_fresh_signature_verifies_and_any_change_does_not(self) -> None:
        key = b"k" * 32
        header = sig.standard_headers(Webhook(key), "msg_1", NOW, BODY)["webhook-signature"]
        later = NOW + timedelta(minutes=4)
        assert sig.standard_valid(key, "msg_1", STAMP, header, BODY, later)
        assert sig.standard_valid(key, "msg_1", STAMP, f"v1,bm9wZQ== {header}", BODY, NOW)
        assert not sig.standard_valid(key, "msg_1", STAMP, header, b'{"a":2}', NOW)
        assert not sig.standard_valid(key, "msg_2", STAMP, header, BODY, NOW)
        assert not sig.standard_valid(b"x" * 32, "msg_1", STAMP, header, BODY, NOW)
        assert not sig.standard_valid(key, "msg_1", str(int(STAMP) + 1), header, BODY, NOW)
        assert not sig.standard_valid(key, "", STAMP, header, BODY, NOW)

    @pytest.mark.parametrize("minutes", [-6, 6])
    def test_a_timestamp_out_of_tolerance_is_refused(self, minutes: int) -> None:
        key = b"k" * 32
        at = NOW + timedelta(minutes=minutes)
        header = sig.standard_headers(Webhook(key), "msg_1", at, BODY)["webhook-signature"]
        assert not sig.standard_valid(key, "msg_1", str(int(at.timestamp())), header, BODY, NOW)

    def test_a_legacy_secret_signs_as_a_stock_library_reads_it(self) -> None:
        legacy = "whsec_Zm9v-_"  # token_urlsafe, as subscriptions used to get
        now = datetime.now(UTC)
        headers = sig.standard_headers(sig.standard_signer(legacy), "m", now, BODY)
        assert Webhook(legacy).verify(BODY, headers) == {"a": 1}

    def test_a_secret_no_stock_library_can_read_signs_with_its_bytes(self) -> None:
        unreadable = "whsec_abcde"  # 5 base64 characters: no library decodes it
        with pytest.raises(ValueError):
            Webhook(unreadable)
        headers = sig.standard_headers(sig.standard_signer(unreadable), "m", NOW, BODY)
        key = unreadable.encode()
        assert sig.standard_valid(key, "m", STAMP, headers["webhook-signature"], BODY, NOW)

    def test_a_delivery_carries_both_the_standard_and_the_deprecated_signature(self) -> None:
        secret, message_id = new_secret(), uuid.uuid4()
        headers = delivery_headers(
            topic="deployment.rolled_back",
            message_id=message_id,
            event_id="e",
            body=BODY,
            secret=secret,
            at=NOW,
        )
        assert headers["webhook-id"] == str(message_id) == headers["x-signalbox-delivery"]
        key = base64.b64decode(secret.removeprefix("whsec_"))
        assert sig.standard_valid(
            key, str(message_id), STAMP, headers["webhook-signature"], BODY, NOW
        )
        assert sig.signalbox_out_valid(secret, BODY, headers["x-signalbox-signature"], int(STAMP))


class TestGitHub:
    def test_the_hex_hmac_of_the_body_verifies_and_tampering_does_not(self) -> None:
        header = sig.github_signature(b"s3cret", BODY)
        expected = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
        assert header == f"sha256={expected}"
        assert sig.github_valid(b"s3cret", header, BODY)
        assert not sig.github_valid(b"s3cret", header, b'{"a":2}')
        assert not sig.github_valid(b"other", header, BODY)
        assert not sig.github_valid(b"s3cret", "sha1=" + expected, BODY)


class TestSignalboxInDeprecated:
    def test_a_fresh_correct_signature_is_accepted(self) -> None:
        mac = sig.signalbox_in("s3cret", STAMP, b"{}")
        assert sig.signalbox_in_valid("s3cret", STAMP, mac, b"{}", NOW + timedelta(minutes=4))

    def test_a_stale_timestamp_is_refused(self) -> None:
        stamp = str(int((NOW - timedelta(minutes=6)).timestamp()))
        mac = sig.signalbox_in("s3cret", stamp, b"{}")
        assert not sig.signalbox_in_valid("s3cret", stamp, mac, b"{}", NOW)

    def test_another_body_timestamp_or_secret_is_refused(self) -> None:
        mac = sig.signalbox_in("s3cret", STAMP, b"{}")
        assert not sig.signalbox_in_valid("s3cret", STAMP, mac, b"{ }", NOW)
        assert not sig.signalbox_in_valid("other", STAMP, mac, b"{}", NOW)
        assert not sig.signalbox_in_valid("s3cret", str(int(STAMP) + 1), mac, b"{}", NOW)
        assert not sig.signalbox_in_valid("s3cret", "soon", mac, b"{}", NOW)


class TestSignalboxOutDeprecated:
    def test_a_receiver_verifies_a_fresh_signature_and_refuses_tampering_and_replays(
        self,
    ) -> None:
        header = sig.signalbox_out("whsec_x", b'{"a":1}', 1_800_000_000)
        assert header.startswith("t=1800000000,v1=")
        assert sig.signalbox_out_valid("whsec_x", b'{"a":1}', header, 1_800_000_060)
        assert not sig.signalbox_out_valid("whsec_x", b'{"a":2}', header, 1_800_000_060)
        assert not sig.signalbox_out_valid("whsec_y", b'{"a":1}', header, 1_800_000_060)
        assert not sig.signalbox_out_valid("whsec_x", b'{"a":1}', header, 1_800_001_000)
        assert not sig.signalbox_out_valid("whsec_x", b'{"a":1}', "garbage", 1_800_000_000)
