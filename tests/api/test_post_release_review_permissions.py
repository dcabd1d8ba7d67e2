"""Every role against every post-release review mutation and its queries, per
authz/PERMISSIONS.md. The demo users hold their roles in payments (rmo and auditor org-wide);
everything is tried on card-gateway, a payments service. Closing a review is the matrix and the
domain: Casbin lets the RMO close, the domain then asks for the engineer or sre role
(NOT_OWNER_OR_SRE), so only the owners' and SREs' closing runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, unique
from tests.api.deployments_support import service
from tests.api.post_release_review_support import deployed, review_of, sweep
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


async def _service(api: Api) -> dict[str, Any]:
    return {"service": (await service(api, "card-gateway"))["id"]}


async def _review(api: Api) -> dict[str, Any]:
    dep = await deployed(api)
    await sweep(api)
    review = await review_of(api, dep["id"], as_user="rmo")
    assert review is not None
    return {"review": review, "deployment": dep["id"]}


def _now(api: Api, hours: float = 0) -> str:
    return (api.runtime.clock.now() + timedelta(hours=hours)).isoformat()


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[Api, dict[str, Any]], Any]]] = [
    (
        "postReleaseReviewGather",
        "post_release_review",
        "update",
        _review,
        _m("postReleaseReviewGather", "PostReleaseReviewGatherInput"),
        lambda api, c: {"id": c["review"]["id"]},
    ),
    (
        "postReleaseFeedbackReport",
        "feedback",
        "create",
        _service,
        _m("postReleaseFeedbackReport", "PostReleaseFeedbackReportInput"),
        lambda api, c: {
            "serviceId": c["service"],
            "kind": "IN_APP",
            "externalRef": unique("perm"),
            "title": "Permission check",
            "tags": ["perm"],
        },
    ),
    (
        "postReleaseLogSignalReport",
        "log_signal",
        "create",
        _service,
        _m("postReleaseLogSignalReport", "PostReleaseLogSignalReportInput"),
        lambda api, c: {
            "serviceId": c["service"],
            "fingerprint": unique("perm"),
            "count": 1,
            "startsAt": _now(api, -1),
            "endsAt": _now(api),
        },
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_post_release_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(api, ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


TEMPLATE = """mutation($i: PostReleaseMetricTemplateSetInput!) { postReleaseMetricTemplateSet(
  input: $i) { postReleaseMetricTemplate { version } errors { code } } }"""


@pytest.mark.parametrize("role", list(USERS))
async def test_setting_a_metric_template_is_the_matrix(api: Api, role: str) -> None:
    sid = (await _service(api))["service"]
    current = await api.ok(
        "query($s: ID!) { postReleaseMetricTemplate(serviceId: $s) { version } }",
        {"s": sid},
        as_user="rmo",
    )
    found = current["postReleaseMetricTemplate"]
    queries = [{"name": "error_rate", "promql": 'sum(rate(e{s="{service}"}[5m]))'}]
    body = await api.gql(
        TEMPLATE,
        {"i": {"serviceId": sid, "queries": queries, "version": found and found["version"]}},
        as_user=USERS[role],
    )
    assert outcome(body) is expected(role, "metric_template", "update", org_level=False), body


def _closing_role(role: str) -> bool:
    """Casbin's answer (the matrix) and the domain's: the engineer or sre role held."""
    return expected(role, "post_release_review", "sign", org_level=False) and role in (
        "engineer",
        "sre",
    )


@pytest.mark.parametrize("role", list(USERS))
async def test_closing_is_the_matrix_and_the_owner_or_sre_role(api: Api, role: str) -> None:
    ctx = await _review(api)
    review = ctx["review"]
    body = await api.gql(
        _m("postReleaseReviewClose", "PostReleaseReviewCloseInput"),
        {
            "i": {
                "id": review["id"],
                "version": review["version"],
                "verdict": "HEALTHY",
                "summary": "Nothing worse than before.",
            }
        },
        as_user=USERS[role],
    )
    if not expected(role, "post_release_review", "sign", org_level=False):
        assert outcome(body) is False, (role, body)
        return
    errors = body["data"]["postReleaseReviewClose"]["errors"]
    assert (errors == []) is _closing_role(role), (role, body)
    if not _closing_role(role):
        assert [e["code"] for e in errors] == ["NOT_OWNER_OR_SRE"], (role, body)


READ = """query($d: ID!, $s: ID!) { postReleaseReviewOfDeployment(deploymentId: $d) { id }
  postReleaseReviews(first: 1) { nodes { id } }
  postReleaseMetricTemplate(serviceId: $s) { id } }"""


@pytest.mark.parametrize("role", list(USERS))
async def test_reviews_are_shown_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _review(api)
    sid = (await _service(api))["service"]
    body = await api.gql(READ, {"d": ctx["deployment"], "s": sid}, as_user=USERS[role])
    assert not body.get("errors"), body
    visible = body["data"]["postReleaseReviewOfDeployment"] is not None
    assert visible is expected(role, "post_release_review", "read", org_level=False), body
    assert bool(body["data"]["postReleaseReviews"]["nodes"]) is visible, body
