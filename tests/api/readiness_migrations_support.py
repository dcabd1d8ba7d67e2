"""GraphQL helpers of data-migration safety and production volumes (readiness)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

FIELDS = """id version key compensationKind compensationReference waiverApprovedAt
  preChecks { name passed } declaredBy { username } waiverApprovedBy { username }"""
ERRORS = "errors { code message field ... on DataMigrationError { errorCode } }"
DECLARE = f"""mutation($i: DataMigrationDeclareInput!) {{ dataMigrationDeclare(input: $i) {{
  dataMigration {{ {FIELDS} }} {ERRORS} }} }}"""
PRE_CHECKS = f"""mutation($i: DataMigrationPreChecksRecordInput!) {{
  dataMigrationPreChecksRecord(input: $i) {{ dataMigration {{ {FIELDS} }} {ERRORS} }} }}"""
COMPENSATE = f"""mutation($i: DataMigrationCompensationSetInput!) {{
  dataMigrationCompensationSet(input: $i) {{ dataMigration {{ {FIELDS} }} {ERRORS} }} }}"""
APPROVE = f"""mutation($i: DataMigrationVersionInput!) {{ dataMigrationWaiverApprove(input: $i) {{
  dataMigration {{ {FIELDS} }} {ERRORS} }} }}"""
WITHDRAW = f"""mutation($i: DataMigrationVersionInput!) {{ dataMigrationWithdraw(input: $i) {{
  dataMigration {{ id }} {ERRORS} }} }}"""
LIST = f"""query($r: ID!) {{ releaseDataMigrations(releaseId: $r) {{ {FIELDS} }} }}"""
VOLUME = """mutation($i: ServiceVolumeProfileSetInput!) { serviceVolumeProfileSet(input: $i) {
  volumeProfile { id version rows requestsPerSecond source service { id } }
  errors { code field ... on VolumeProfileError { errorCode } } } }"""
PROFILE = """query($s: ID!) { serviceVolumeProfile(serviceId: $s) { id rows requestsPerSecond } }"""
CHECKS = [
    {
        "name": "no orphan payments",
        "verifies": "every payment row references an existing customer",
        "passed": True,
        "detail": "0 orphans in 1.2M rows",
    }
]


async def declare(
    api: Api, release_id: str, service_id: str, as_user: str = "engineer", **kw: Any
) -> Any:
    values = {"releaseId": release_id, "serviceId": service_id, "key": "0042_split_names", **kw}
    body = await api.gql(DECLARE, {"i": values}, as_user=as_user)
    assert "errors" not in body, body
    return body["data"]["dataMigrationDeclare"]


async def payload(api: Api, query: str, values: dict[str, Any], as_user: str = "rmo") -> Any:
    """The mutation's payload, refusals included (top-level errors are not expected)."""
    body = await api.gql(query, {"i": values}, as_user=as_user)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


async def dry_run(
    api: Api, w: dict[str, Any], *keys: str, rows: float = 1_000_000, **kw: Any
) -> None:
    artifact = {
        "serviceId": w["service"],
        "name": "app",
        "version": w["version"],
        "digest": w["digest"],
    }
    body = await api.gql(
        """mutation($i: EvidenceMigrationDryRunInput!) { evidenceMigrationDryRunReport(input: $i) {
          errors { code field } } }""",
        {
            "i": {
                "artifact": artifact,
                "tool": "alembic",
                "succeeded": True,
                "durationSeconds": 42.5,
                "migrations": list(keys),
                "rowsScanned": rows,
                **kw,
            }
        },
        as_user="ci",
    )
    assert body["data"]["evidenceMigrationDryRunReport"]["errors"] == [], body
