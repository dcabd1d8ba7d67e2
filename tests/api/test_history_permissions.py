"""Every role against the deployment history import, per authz/PERMISSIONS.md: the demo users
hold their roles in payments (rmo and auditor org-wide); each tries to import a day of a fresh
payments service's history, which must run exactly where `deployment_history/create` is ticked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.history_support import IMPORT, daily
from tests.api.test_incident_attribution_support import production
from tests.api.test_permission_matrix import USERS, expected, outcome


@pytest.mark.parametrize("role", list(USERS))
async def test_importing_history_is_allowed_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    [service] = await services(api, "payments")
    env = await production(api)
    records = daily(env, api.runtime.clock.now() - timedelta(days=3), 1)
    body = await api.gql(
        IMPORT, {"i": {"serviceId": service, "records": records}}, as_user=USERS[role]
    )
    allowed = expected(role, "deployment_history", "create", org_level=False)
    assert outcome(body) is allowed, (role, body)
    if allowed:
        assert body["data"]["deploymentHistoryImport"]["result"]["added"] == 1
