"""Every role against the data-migration and volume-profile mutations and reads, per
authz/PERMISSIONS.md.

The release is drafted by the release manager and its migration declared by the engineer, so
neither segregation rule (not the declarer, not an author) decides who may approve a waiver:
each mutation must run exactly where the matrix ticks.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, unique
from tests.api.governance_support import release, services
from tests.api.readiness_migrations_support import (
    APPROVE,
    CHECKS,
    COMPENSATE,
    DECLARE,
    LIST,
    PRE_CHECKS,
    PROFILE,
    VOLUME,
    WITHDRAW,
    declare,
)
from tests.api.test_permission_matrix import USERS, expected, outcome

IRREVERSIBLE = {"kind": "IRREVERSIBLE", "notes": "Drops a column whose data is archived first."}


async def migration(api: Api, **kw: Any) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A release in payments (drafted by the release manager) with one declared migration."""
    [sid] = await services(api, "payments")
    rel = await release(api, service_ids=[sid])
    made = await declare(api, rel["id"], sid, key=unique("m"), **kw)
    assert made["errors"] == [], made
    return rel, made["dataMigration"], sid


@pytest.mark.parametrize("role", list(USERS))
async def test_declaring_is_allowed_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    [sid] = await services(api, "payments")
    rel = await release(api, service_ids=[sid])
    values = {"releaseId": rel["id"], "serviceId": sid, "key": unique("m")}
    body = await api.gql(DECLARE, {"i": values}, as_user=USERS[role])
    assert outcome(body) is expected(role, "data_migration", "create", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("mutation", ["pre_checks", "compensation"])
async def test_updating_is_allowed_exactly_where_the_matrix_says(
    api: Api, role: str, mutation: str
) -> None:
    _, m, _ = await migration(api)
    values: dict[str, Any] = {"id": m["id"], "version": m["version"]}
    if mutation == "pre_checks":
        body = await api.gql(
            PRE_CHECKS, {"i": {**values, "preChecks": CHECKS}}, as_user=USERS[role]
        )
    else:
        compensation = {"kind": "REVERSE_MIGRATION", "reference": "down"}
        body = await api.gql(
            COMPENSATE, {"i": {**values, "compensation": compensation}}, as_user=USERS[role]
        )
    assert outcome(body) is expected(role, "data_migration", "update", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
async def test_approving_a_waiver_is_allowed_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    _, m, _ = await migration(api, compensation=IRREVERSIBLE)
    body = await api.gql(
        APPROVE, {"i": {"id": m["id"], "version": m["version"]}}, as_user=USERS[role]
    )
    assert outcome(body) is expected(role, "data_migration", "approve", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
async def test_withdrawing_is_allowed_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    _, m, _ = await migration(api)
    body = await api.gql(
        WITHDRAW, {"i": {"id": m["id"], "version": m["version"]}}, as_user=USERS[role]
    )
    assert outcome(body) is expected(role, "data_migration", "delete", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
async def test_setting_a_volume_profile_is_allowed_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    [sid] = await services(api, "payments")
    body = await api.gql(VOLUME, {"i": {"serviceId": sid, "rows": 1000}}, as_user=USERS[role])
    assert outcome(body) is expected(role, "volume_profile", "update", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
async def test_both_are_readable_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    rel, _, sid = await migration(api)
    await api.ok(VOLUME, {"i": {"serviceId": sid, "rows": 1000}}, as_user="sre")
    listed = await api.ok(LIST, {"r": rel["id"]}, as_user=USERS[role])
    readable = expected(role, "data_migration", "read", org_level=False)
    assert bool(listed["releaseDataMigrations"]) is readable
    profile = await api.ok(PROFILE, {"s": sid}, as_user=USERS[role])
    readable = expected(role, "volume_profile", "read", org_level=False)
    assert (profile["serviceVolumeProfile"] is not None) is readable
