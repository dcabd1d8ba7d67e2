"""Logs are JSON with the request id and never carry a secret; one access line per request;
metrics label routes by their template."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import uuid

import pytest

from api.observability import configure_logging, new_request_id, request_id_var
from api.runtime import Housekeeping
from authz.authorizer import CasbinAuthorizer
from tests.api.conftest import Api


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


def _sre(api: Api) -> dict[str, str]:
    """Who reads /metrics (metrics/scrape: the RMO and SREs)."""
    return {"authorization": f"Bearer {api.token('sre')}"}


class TestRouteLabels:
    """Every route is labelled by its template: bounded, and no secret from a path in a label."""

    async def test_side_endpoints_are_labelled_by_their_route_template(self, api: Api) -> None:
        auditor = {"authorization": f"Bearer {api.token('auditor')}"}
        release = uuid.uuid4()
        await api.http.get(f"/evidence/releases/{release}", headers=auditor)
        await api.http.get("/calendar/feed-secret-123.ics")
        await api.http.get("/components/demo/users")
        await api.http.get("/no/such/path", headers=auditor)
        metrics = (await api.http.get("/metrics", headers=_sre(api))).text
        labels = set(re.findall(r'signalbox_http_requests_total\{[^}]*route="([^"]+)"', metrics))
        assert {
            "/evidence/releases/{release_id}",
            "/calendar/{secret}.ics",
            "/components/demo/users",
            "unmatched",
        } <= labels
        assert "other" not in labels
        assert str(release) not in metrics and "feed-secret-123" not in metrics

    async def test_a_method_the_route_does_not_take_still_names_the_route(self, api: Api) -> None:
        auditor = {"authorization": f"Bearer {api.token('auditor')}"}
        assert (await api.http.delete("/decisions", headers=auditor)).status_code == 405
        metrics = (await api.http.get("/metrics", headers=_sre(api))).text
        assert 'method="DELETE",route="/decisions",status="405"' in metrics


class TestAccessLog:
    async def test_one_line_per_request_with_route_status_duration_and_request_id(
        self, api: Api, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.INFO, logger="signalbox.access"):
            response = await api.http.get(
                "/calendar/feed-secret-456.ics?token=sbx_query_secret",
                headers={"x-request-id": "req-access-1"},
            )
        lines = [r for r in caplog.records if r.name == "signalbox.access"]
        assert len(lines) == 1
        line = lines[0]
        assert (line.method, line.route, line.status) == (  # type: ignore[attr-defined]
            "GET",
            "/calendar/{secret}.ics",
            response.status_code,
        )
        assert line.duration_ms >= 0  # type: ignore[attr-defined]
        assert line.request_id == "req-access-1"  # type: ignore[attr-defined]
        text = line.getMessage()
        assert "feed-secret-456" not in text and "sbx_query_secret" not in text


class TestQuietStartUp:
    def test_casbin_does_not_print_its_policy_when_an_enforcer_is_built(self) -> None:
        stream = io.StringIO()
        root = logging.getLogger()
        saved = (root.handlers[:], root.level)
        configure_logging("INFO", json=False)
        logging.getLogger().handlers[0].setStream(stream)  # type: ignore[attr-defined]
        # Casbin disables its loggers only after its first enforcer has logged: as in a fresh
        # process, they start enabled here.
        for name in ("casbin", "casbin.policy", "casbin.enforcer", "casbin.role"):
            logging.getLogger(name).disabled = False
        try:
            CasbinAuthorizer().casbin_enforcer()
            logging.getLogger("signalbox.test").info("still logging")
        finally:
            root.handlers[:], _ = saved
            root.setLevel(saved[1])
        assert "still logging" in stream.getvalue()
        assert "Policy" not in stream.getvalue() and "casbin" not in stream.getvalue()


class TestHousekeepingStops:
    async def test_a_sweep_under_way_finishes_instead_of_being_cancelled(
        self, api: Api, caplog: pytest.LogCaptureFixture
    ) -> None:
        runtime = api.runtime
        every_five_minutes = runtime.settings.model_copy(update={"housekeeping_seconds": 300})
        housekeeping = Housekeeping(every_five_minutes, runtime.clock, runtime.units)
        with caplog.at_level(logging.INFO):
            for _ in range(5):
                housekeeping.start()  # the first sweep starts at once
                await asyncio.sleep(0)
                await housekeeping.stop()
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
