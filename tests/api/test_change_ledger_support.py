"""Helpers of the change-ledger tests (no tests here): commits reported for a version, the
ledger's sweep, the ledger read through GraphQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.insights import ledger_projection
from tests.api.conftest import Api

RECORD_SOURCE = """
mutation($i: SourceChangeRecordInput!) { sourceChangeRecord(input: $i) {
  commits { sha artifactVersion authoredAt prOpenedAt firstReviewAt approvedAt mergedAt }
  errors { code field ... on SourceChangeError { errorCode } } } }"""


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def commit(sha: str, authored: datetime, pr: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "sha": sha,
        "authoredAt": iso(authored),
        "committedAt": iso(authored + timedelta(minutes=5)),
        "pullRequest": pr,
    }


def source_input(service: str, version: str, *commits: dict[str, Any]) -> dict[str, Any]:
    return {"serviceId": service, "artifactVersion": version, "commits": list(commits)}


async def report_source(
    api: Api, service: str, version: str, *commits: dict[str, Any], as_user: str = "ci"
) -> dict[str, Any]:
    body = await api.gql(
        RECORD_SOURCE, {"i": source_input(service, version, *commits)}, as_user=as_user
    )
    assert "errors" not in body, body
    return body["data"]["sourceChangeRecord"]  # type: ignore[no-any-return]


LEDGER_FIELDS = """changeId kind at strategy tier artifactVersion changeTypes riskLevel bypassed
  firstCommitAt commitCount leadTimeSeconds rolledBack incidentCount hotfixed outcome summary
  service { id } team { id } businessUnit { key } release { id } commits { sha authoredAt }"""
LEDGER = f"""query($f: ChangeLedgerFilter, $n: Int) {{ changeLedger(filter: $f, first: $n) {{
  nodes {{ {LEDGER_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"""


async def projected(api: Api, since: datetime) -> int:
    """The ledger's catch-up sweep over the changes since `since`, as the housekeeping runs it."""
    return await api.runtime.units.run(lambda uow: ledger_projection.catch_up(uow, since=since))


async def ledger(api: Api, as_user: str = "rmo", first: int = 50, **f: Any) -> list[dict[str, Any]]:
    data = await api.ok(LEDGER, {"f": f, "n": first}, as_user=as_user)
    return data["changeLedger"]["nodes"]  # type: ignore[no-any-return]
