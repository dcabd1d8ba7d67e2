"""The OFREP endpoints against the OFREP OpenAPI document, with schemathesis.

Cases are generated from ../shared/standards/ofrep/openapi.yaml (never copied here) for both
operations, a bounded number each, and sent in-process to the app under test with an API
token (as OFREP's `X-API-Key`) and an environment, or with no or an unknown environment; every response must pass schemathesis's stateless checks: no server
error, a documented status code, the documented content type and headers, and a body that
matches the response schema.

Two overlays, snags of the document itself: `codeDefaultFlag` (`properties: {}`) matches every
object, so a correct success body matches two branches of its `oneOf`; here it gets
`not: {required: [value]}`, which is what its prose says ("This schema has no `value`
property"). And a whole number (an integer flag's 5, a number flag's 5.0) matches both
`integerFlag` and `floatFlag`, JSON Schema's number model having no float/integer split;
`floatFlag` leaves whole numbers to `integerFlag`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Api
from tests.api.test_flags_api import ENV, create_flag, set_state
from tests.api.test_ofrep import OBJECT_VARIANTS, ci_token
from tests.api.test_ofrep_interop import NUMBER_VARIANTS
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.fault
SPEC = (Path(__file__).resolve().parents[2] / ".." / "shared" / "standards" / "ofrep").resolve()
EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
BASE_URL = "http://signalbox.test"


def load_schema() -> Any:
    path = SPEC / "openapi.yaml"
    if not path.is_file():
        skip_or_fail(f"The OFREP OpenAPI document is missing at {path}")
    raw = yaml.safe_load(path.read_text())
    raw["components"]["schemas"]["codeDefaultFlag"]["not"] = {"required": ["value"]}
    # JSON Schema's `number` holds every integer and its `integer` every whole float (5.0), so
    # any whole number matches both integerFlag and floatFlag: it is left to integerFlag here.
    # (That a NUMBER flag's 5 goes out as 5.0 is for test_ofrep_interop, on the bytes.)
    raw["components"]["schemas"]["floatFlag"]["not"] = {
        "required": ["value"],
        "properties": {"value": {"type": "integer"}},
    }
    return schemathesis.openapi.from_dict(raw)


def draw(strategy: Any, count: int) -> list[Any]:
    """A bounded, reproducible sample of cases (generation only: no I/O inside hypothesis)."""
    cases: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Any) -> None:
        cases.append(case)

    collect()
    return cases


async def _check(api: Api, cases: list[Any], headers: dict[str, str]) -> int:
    statuses: set[int] = set()
    for case in cases:
        kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
        response = await api.http.request(
            kwargs["method"],
            kwargs["url"],
            headers=kwargs.get("headers"),
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            content=kwargs.get("data"),
        )
        statuses.add(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)
    return len(statuses)


class TestOfrepConformance:
    async def test_both_operations_conform_to_the_ofrep_document(self, api: Api) -> None:
        schema = load_schema()
        boolean = await create_flag(api)
        await set_state(api, boolean["id"], rules=[{"rollout": {"percentage": 50}}])
        obj = await create_flag(
            api, kind="OPS", valueType="OBJECT", variants=OBJECT_VARIANTS, expiresAt=None
        )
        await set_state(api, obj["id"])
        text = await create_flag(
            api,
            kind="EXPERIMENT",
            valueType="STRING",
            variants=[{"key": "blue", "value": "blue"}, {"key": "green", "value": "green"}],
            defaultVariant="blue",
            offVariant="blue",
        )
        await set_state(
            api,
            text["id"],
            defaultServe={
                "split": [{"variant": "blue", "weight": 1}, {"variant": "green", "weight": 1}]
            },
        )
        number = await create_flag(
            api, kind="OPS", valueType="NUMBER", variants=NUMBER_VARIANTS, expiresAt=None
        )
        await set_state(api, number["id"], defaultServe={"variant": "five"})
        # OFREP's ApiKeyAuth scheme: the token as X-API-Key.
        headers = {"X-API-Key": await ci_token(api), "X-Signalbox-Environment": ENV}
        single = schema["/ofrep/v1/evaluate/flags/{key}"]["POST"]
        bulk = schema["/ofrep/v1/evaluate/flags"]["POST"]
        cases = draw(single.as_strategy(), EXAMPLES_PER_OPERATION)
        for flag in (boolean, obj, text, number):
            cases += draw(
                single.as_strategy(path_parameters={"key": flag["key"]}), EXAMPLES_PER_OPERATION
            )
        cases += draw(bulk.as_strategy(), EXAMPLES_PER_OPERATION)
        assert await _check(api, cases, headers) >= 2  # successes and refusals were both seen

    async def test_refusals_conform_too(self, api: Api) -> None:
        schema = load_schema()
        single = schema["/ofrep/v1/evaluate/flags/{key}"]["POST"]
        bulk = schema["/ofrep/v1/evaluate/flags"]["POST"]
        # No environment header, or one no catalog or flag state names: every request is
        # refused as INVALID_CONTEXT (400), or as a parse error first.
        token = {"Authorization": f"Bearer {await ci_token(api)}"}
        for headers in (token, {**token, "X-Signalbox-Environment": "productoin-eu"}):
            cases = draw(single.as_strategy(), 10) + draw(bulk.as_strategy(), 10)
            assert await _check(api, cases, headers) >= 1
