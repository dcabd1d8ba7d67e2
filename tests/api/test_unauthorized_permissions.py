"""Every role against the unauthorized-change review and list, per authz/PERMISSIONS.md.

The change under review is deployed by the CI user (who may not review), so segregation of
duties never decides: the review must run exactly where the matrix ticks.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.deployments_support import plan
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.unauthorized_support import open_changes

REVIEW = """mutation($i: UnauthorizedChangeReviewInput!) { unauthorizedChangeReview(input: $i) {
  errors { code } } }"""
LIST = "{ unauthorizedChanges(first: 1) { nodes { id } } }"


@pytest.mark.parametrize("role", list(USERS))
async def test_the_review_is_allowed_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    dep = await plan(api, as_user="ci")
    (change,) = [
        c for c in await open_changes(api) if (c["deployment"] or {}).get("id") == dep["id"]
    ]
    variables = {"i": {"id": change["id"], "version": change["version"], "finding": "Seen."}}
    body = await api.gql(REVIEW, variables, as_user=USERS[role])
    allowed = expected(role, "unauthorized_change", "update", org_level=False)
    assert outcome(body) is allowed, (role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_list_is_readable_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    await plan(api, as_user="ci")
    data = await api.ok(LIST, as_user=USERS[role])
    readable = expected(role, "unauthorized_change", "read", org_level=False)
    assert bool(data["unauthorizedChanges"]["nodes"]) is readable
