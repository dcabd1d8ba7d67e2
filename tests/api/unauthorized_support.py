"""Helpers of the unauthorized-change tests: GraphQL documents and small factories."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

CHANGE_FIELDS = """id status source artifactVersion reason alerted finding version deployment { id }
  deployedByUsername reviewedBy { username } release { id } service { key }"""
CHANGES = f"""query($f: UnauthorizedChangeFilter, $after: String, $first: Int) {{
  unauthorizedChanges(filter: $f, first: $first, after: $after) {{
    nodes {{ {CHANGE_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
REVIEW = f"""mutation($i: UnauthorizedChangeReviewInput!) {{ unauthorizedChangeReview(input: $i) {{
  unauthorizedChange {{ {CHANGE_FIELDS} }}
  errors {{ code field ... on PipelineError {{ errorCode }} }} }} }}"""
CREATE = """mutation($i: DeploymentCreateInput!) { deploymentCreate(input: $i) {
  deployment { id version } errors { code field message } } }"""
RELEASE_CHANGES = f"""query($id: ID!) {{ node(id: $id) {{ ... on Release {{
  status unauthorizedChanges {{ {CHANGE_FIELDS} }} }} }} }}"""


def deployment(w: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """A blue-green deployment of the world's artifact to its production environment."""
    return {
        "serviceId": w["service"],
        "environmentId": w["env"]["id"],
        "artifactVersion": w["version"],
        "strategy": "BLUE_GREEN",
        **kw,
    }


MAX_PAGES = 50
"""Pages of 200 read at most: the suite's shared database gathers open changes from every test
that reports a deployment no promotion covered (the newest are on the last page)."""


async def open_changes(api: Api, **kw: Any) -> list[dict[str, Any]]:
    """Every open unauthorized change meeting the filter, oldest detected first (all pages)."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        variables = {"f": {"statuses": ["OPEN"], **kw}, "first": 200, "after": after}
        page = (await api.ok(CHANGES, variables))["unauthorizedChanges"]
        found += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]
    raise AssertionError(f"more than {MAX_PAGES} pages of open unauthorized changes")
