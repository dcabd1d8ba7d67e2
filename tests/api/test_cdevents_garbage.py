"""Garbage in, a 4xx out: decoding and checking never fail with anything but a refusal."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.endpoints.cdevents import Refused, decode
from domain.pipelines.cdevents import EventRefused, check_event
from domain.pipelines.cdevents_schemas import shipped
from domain.pipelines.commands import IngestEvent
from tests.api.evidence_support import Ingress, binary, cdevent, ingress, structured

__all__ = ["ingress"]
PAYMENTS = {"x-signalbox-business-unit": "payments"}
CHECKER = shipped()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["context", "subject", "id", "type", "data", "x"])
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)
header_values = st.text(alphabet=string.printable.strip() + " ", max_size=30)
media = st.sampled_from(
    ["application/json", "application/cloudevents+json", "text/plain", "", "application/x+json"]
)


def _judged(headers: dict[str, str], body: bytes) -> None:
    try:
        c = decode(headers, body, "payments")
    except Refused as exc:
        assert 400 <= exc.status < 500
        return
    assert isinstance(c, IngestEvent)
    try:
        check_event(c, CHECKER)
    except EventRefused as exc:
        assert exc.problems


class TestDecodingNeverCrashes:
    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=200), media, st.booleans())
    def test_random_bytes_are_refused_with_a_4xx(self, body: bytes, kind: str, ce: bool) -> None:
        headers = {"content-type": kind}
        if ce:
            headers |= {"ce-id": "1", "ce-source": "/x", "ce-type": "t", "ce-specversion": "1.0"}
        _judged(headers, body)

    @settings(max_examples=300)
    @given(json_values, media)
    def test_random_json_is_refused_or_accepted_never_crashed_on(
        self, value: Any, kind: str
    ) -> None:
        _judged({"content-type": kind}, json.dumps(value).encode())

    @settings(max_examples=300)
    @given(
        st.dictionaries(
            st.sampled_from(
                [
                    "ce-id",
                    "ce-source",
                    "ce-type",
                    "ce-specversion",
                    "ce-time",
                    "ce-subject",
                    "ce-dataschema",
                    "ce-x",
                ]
            ),
            header_values,
        ),
        json_values,
    )
    def test_random_binary_headers_are_refused_or_accepted(
        self, headers: dict[str, str], data: Any
    ) -> None:
        _judged({"content-type": "application/json", **headers}, json.dumps(data).encode())

    @settings(max_examples=200)
    @given(
        st.fixed_dictionaries(
            {
                "specversion": st.sampled_from(["1.0", "0.3", 1]),
                "id": header_values,
                "source": header_values,
                "type": header_values,
            },
            optional={
                "time": header_values,
                "data": json_values,
                "data_base64": header_values,
                "datacontenttype": header_values,
            },
        )
    )
    def test_random_structured_envelopes_are_refused_or_accepted(
        self, envelope: dict[str, Any]
    ) -> None:
        _judged({"content-type": "application/cloudevents+json"}, json.dumps(envelope).encode())

    @settings(max_examples=200)
    @given(json_values, json_values)
    def test_a_cdevent_with_random_parts_is_judged(self, content: Any, custom: Any) -> None:
        body = cdevent("service.deployed")
        body["subject"]["content"] = content
        body["customData"] = custom
        body_bytes, headers = binary(body)
        _judged(headers, body_bytes)


class TestGarbageOverHttp:
    @pytest.mark.parametrize(
        "payload",
        [
            (b"", {"content-type": "application/cloudevents+json"}),
            (b"null", {"content-type": "application/cloudevents+json"}),
            (b"\xff\xfe", {"content-type": "application/cloudevents+json"}),
            (
                b"[1,2]",
                {
                    "content-type": "application/json",
                    "ce-id": "1",
                    "ce-source": "/",
                    "ce-type": "t",
                    "ce-specversion": "1.0",
                },
            ),
            (
                b"{}",
                {
                    "content-type": "application/json",
                    "ce-id": "1",
                    "ce-source": "/",
                    "ce-type": "t",
                    "ce-specversion": "1.0",
                    "ce-time": "not a time",
                },
            ),
            (b'{"a":' * 3000, {"content-type": "application/cloudevents+json"}),
        ],
        ids=["empty", "null", "not-utf8", "array-data", "bad-time", "deep"],
    )
    async def test_each_is_a_400(
        self, ingress: Ingress, payload: tuple[bytes, dict[str, str]]
    ) -> None:
        response = await ingress.post(payload, **PAYMENTS)
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["message"]

    async def test_a_cdevent_with_a_timestamp_without_offset_is_a_400(
        self, ingress: Ingress
    ) -> None:
        body = cdevent("build.started", timestamp="2026-11-27T09:00:00")
        response = await ingress.post(structured(body), **PAYMENTS)
        assert response.status_code == 400
