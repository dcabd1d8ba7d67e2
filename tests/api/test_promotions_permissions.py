"""Every role against every promotion mutation and the decision query, per authz/PERMISSIONS.md.

Promotions are asked for the demo's card gateway into a fresh production environment of
payments; the promotion to approve or decide is requested by CI (which may not approve), so
segregation of duties never decides for the matrix.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.evidence_support import service_id
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]
REQUEST = """mutation($i: PromotionAskInput!) { promotionRequest(input: $i) {
  promotion { id version } errors { code } } }"""


async def _target(api: Api) -> dict[str, Any]:
    env = await environment(api, kind="PRODUCTION", region="eu-west-1")
    return {"service": await service_id(api), "env": env["id"]}


async def _requested(api: Api) -> dict[str, Any]:
    ctx = await _target(api)
    body = await api.ok(
        REQUEST,
        {
            "i": {
                "serviceId": ctx["service"],
                "environmentId": ctx["env"],
                "artifactVersion": "9.9.9",
            }
        },
        as_user="ci",
    )
    return {**ctx, "promotion": body["promotionRequest"]["promotion"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "promotionRequest",
        "promotion",
        "create",
        _target,
        _m("promotionRequest", "PromotionAskInput"),
        lambda c: {
            "serviceId": c["service"],
            "environmentId": c["env"],
            "artifactVersion": "1.2.3",
        },
    ),
    (
        "promotionApprove",
        "promotion",
        "approve",
        _requested,
        _m("promotionApprove", "PromotionApproveInput"),
        lambda c: {"id": c["promotion"]["id"], "version": c["promotion"]["version"]},
    ),
    (
        "promotionDecide",
        "promotion",
        "create",
        _requested,
        _m("promotionDecide", "PromotionDecideInput"),
        lambda c: {"id": c["promotion"]["id"]},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_promotion_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_decision_is_asked_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _target(api)
    body = await api.gql(
        """query($i: PromotionAskInput!) { promotionDecision(input: $i) { allowed } }""",
        {"i": {"serviceId": ctx["service"], "environmentId": ctx["env"], "artifactVersion": "1.0"}},
        as_user=USERS[role],
    )
    asked = not body.get("errors")
    if not asked:
        assert body["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND"), body
    assert asked is expected(role, "promotion", "evaluate", org_level=False), (role, body)
