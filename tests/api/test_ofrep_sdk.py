"""The OpenFeature Python SDK, with the OFREP provider from PyPI, reads Signalbox flags.

The app runs under uvicorn on 127.0.0.1 (a free port, a background thread, bounded start and
stop) over the same migrated database the `api` fixture set the flags up in; the provider
authenticates with an API token and names the environment in a header.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openfeature import api as openfeature
from openfeature.client import OpenFeatureClient
from openfeature.contrib.provider.ofrep import OFREPProvider
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode

from api.app import create_app
from tests.api.conftest import Api, settings_for
from tests.api.test_flags_api import ENV, create_flag, segment, set_state
from tests.api.test_ofrep import OBJECT_VARIANTS, ci_token
from tests.api.test_ofrep_interop import NUMBER_VARIANTS
from tests.support.live_server import live_server


@contextmanager
def serving(url: str, data_dir: Path) -> Iterator[str]:
    """A second Signalbox process (in a thread) on the same database; yields its base URL."""
    with live_server(create_app(settings_for(url, data_dir))) as port:
        yield f"http://127.0.0.1:{port}"


def evaluated(
    base_url: str, headers: dict[str, str], ask: Callable[[OpenFeatureClient], dict[str, Any]]
) -> dict[str, Any]:
    """What `ask` reads through an OFREP provider sending these headers (blocking: in a thread)."""
    domain = f"signalbox-{base_url}"
    provider = OFREPProvider(base_url, headers_factory=lambda: headers, timeout=10.0)
    openfeature.set_provider(provider, domain=domain)
    try:
        return ask(openfeature.get_client(domain=domain))
    finally:
        openfeature.clear_providers()


class TestTheOpenFeatureSdk:
    async def test_reads_boolean_string_and_object_flags_with_variant_and_reason(
        self, api: Api, migrated_url: str, tmp_path: Path
    ) -> None:
        internal = await segment(
            api, [{"attribute": "email", "operator": "STR_ENDS_WITH", "values": ["@bank.example"]}]
        )
        dark = await create_flag(api)
        await set_state(api, dark["id"], darkLaunch=True, darkLaunchSegment=internal["key"])
        text = await create_flag(
            api,
            kind="EXPERIMENT",
            valueType="STRING",
            variants=[{"key": "blue", "value": "blue"}, {"key": "green", "value": "green"}],
            defaultVariant="blue",
        )
        await set_state(
            api, text["id"], rules=[{"userIds": ["u-green"], "serve": {"variant": "green"}}]
        )
        obj = await create_flag(
            api, kind="OPS", valueType="OBJECT", variants=OBJECT_VARIANTS, expiresAt=None
        )
        await set_state(api, obj["id"], defaultServe={"variant": "roomy"})
        token = await ci_token(api)

        headers = {"Authorization": f"Bearer {token}", "X-Signalbox-Environment": ENV}
        customer = EvaluationContext("c-1", {"email": "ann@mail.example"})
        colleague = EvaluationContext("e-1", {"email": "bob@bank.example"})

        def ask(client: OpenFeatureClient) -> dict[str, Any]:
            return {
                "customer": client.get_boolean_details(dark["key"], True, customer),
                "colleague": client.get_boolean_details(dark["key"], False, colleague),
                "green": client.get_string_details(text["key"], "x", EvaluationContext("u-green")),
                "object": client.get_object_details(obj["key"], {}, customer),
                "missing": client.get_boolean_details("no-such-flag", True, customer),
            }

        with serving(migrated_url, tmp_path) as base_url:
            got = await asyncio.to_thread(evaluated, base_url, headers, ask)
        served = got["customer"]
        assert (served.value, served.variant, served.reason) == (
            False,
            "off",
            "TARGETING_MATCH",
        )
        assert (got["colleague"].value, got["colleague"].variant, got["colleague"].reason) == (
            True,
            "on",
            "TARGETING_MATCH",
        )
        assert (got["green"].value, got["green"].variant) == ("green", "green")
        assert got["green"].reason == "TARGETING_MATCH"
        assert (got["object"].value, got["object"].variant, got["object"].reason) == (
            {"rows": 5, "dense": False},
            "roomy",
            "STATIC",
        )
        assert (
            got["missing"].value is True and got["missing"].error_code == ErrorCode.FLAG_NOT_FOUND
        )

    async def test_typed_getters_an_api_key_and_an_unknown_environment(
        self, api: Api, migrated_url: str, tmp_path: Path
    ) -> None:
        ratio = await create_flag(
            api, kind="OPS", valueType="NUMBER", variants=NUMBER_VARIANTS, expiresAt=None
        )
        await set_state(api, ratio["id"], defaultServe={"variant": "five"})
        limit = await create_flag(
            api,
            kind="OPS",
            valueType="INTEGER",
            variants=[{"key": "low", "value": 10}, {"key": "high", "value": 1000}],
            expiresAt=None,
        )
        await set_state(api, limit["id"], defaultServe={"variant": "high"})
        token = await ci_token(api)
        who = EvaluationContext("svc-1")

        def ask(client: OpenFeatureClient) -> dict[str, Any]:
            return {
                "float": client.get_float_details(ratio["key"], 0.5, who),
                "integer": client.get_integer_details(limit["key"], 1, who),
            }

        with serving(migrated_url, tmp_path) as base_url:
            keyed = {"X-API-Key": token, "X-Signalbox-Environment": ENV}
            got = await asyncio.to_thread(evaluated, base_url, keyed, ask)
            typo = {"X-API-Key": token, "X-Signalbox-Environment": "productoin-eu"}
            lost = await asyncio.to_thread(evaluated, base_url, typo, ask)
        whole = got["float"]
        assert (whole.value, whole.variant, whole.error_code) == (5.0, "five", None)
        assert isinstance(whole.value, float)
        assert (got["integer"].value, got["integer"].error_code) == (1000, None)
        for details, default in ((lost["float"], 0.5), (lost["integer"], 1)):
            assert (details.value, details.error_code) == (default, ErrorCode.INVALID_CONTEXT)
            assert "productoin-eu" in (details.error_message or "")
