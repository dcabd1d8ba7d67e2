"""Logs are JSON with the request id, and never carry a secret."""

from __future__ import annotations

import io
import json
import logging

from api.observability import configure_logging, new_request_id, request_id_var


class TestLogs:
    def test_records_are_json_with_the_request_id_and_secrets_are_redacted(self) -> None:
        stream = io.StringIO()
        root = logging.getLogger()
        saved = (root.handlers[:], root.level)
        configure_logging("INFO", json=True)
        handler = logging.getLogger().handlers[0]
        handler.setStream(stream)  # type: ignore[attr-defined]
        token = request_id_var.set("req-42")
        try:
            logging.getLogger("signalbox.test").warning(
                "refused Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln and sbx_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
            )
        finally:
            request_id_var.reset(token)
            root.handlers[:], _ = saved
            root.setLevel(saved[1])
        record = json.loads(stream.getvalue().strip().splitlines()[-1])
        assert record["request_id"] == "req-42"
        assert record["level"] == "WARNING"
        assert "eyJhbGci" not in record["message"] and "abcdefghij" not in record["message"]
        assert "[redacted]" in record["message"]

    def test_request_ids_from_callers_are_kept_only_when_sane(self) -> None:
        assert new_request_id("abc-123") == "abc-123"
        assert new_request_id("evil\nINJECTED") != "evil\nINJECTED"
        assert len(new_request_id(None)) == 32
