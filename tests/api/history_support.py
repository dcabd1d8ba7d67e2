"""Helpers of the deployment history import tests: a batch of daily deployments, the mutation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.conftest import Api

IMPORT = """mutation($i: DeploymentHistoryImportInput!) { deploymentHistoryImport(input: $i) {
  result { added known incidentsAdded incidentsKnown onboardedAt service { id } }
  errors { code field message ... on PipelineError { errorCode } } } }"""
LEAD = timedelta(hours=24)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def daily(
    env: dict[str, Any], first: datetime, count: int, *, prefix: str = "1.0."
) -> list[dict[str, Any]]:
    """`count` successful deployments, one a day from `first`, each 10 minutes long, each
    shipping 3 commits the first of which was made LEAD before it finished."""
    out = []
    for n in range(count):
        finished = first + timedelta(days=n)
        out.append(
            {
                "environmentKey": env["key"],
                "artifactVersion": f"{prefix}{n}",
                "startedAt": iso(finished - timedelta(minutes=10)),
                "finishedAt": iso(finished),
                "outcome": "SUCCEEDED",
                "strategy": "rolling",
                "commits": {"firstCommitAt": iso(finished - LEAD), "count": 3},
                "pullRequest": {
                    "openedAt": iso(finished - LEAD + timedelta(hours=1)),
                    "firstReviewAt": iso(finished - LEAD + timedelta(hours=2)),
                    "approvedAt": iso(finished - LEAD + timedelta(hours=3)),
                    "mergedAt": iso(finished - LEAD + timedelta(hours=4)),
                },
            }
        )
    return out


async def import_history(
    api: Api,
    service: str,
    records: list[dict[str, Any]],
    incidents: list[dict[str, Any]] | None = None,
    *,
    as_user: str = "rmo",
) -> dict[str, Any]:
    body = await api.gql(
        IMPORT,
        {"i": {"serviceId": service, "records": records, "incidents": incidents or []}},
        as_user=as_user,
    )
    assert not body.get("errors"), body
    return body["data"]["deploymentHistoryImport"]  # type: ignore[no-any-return]
