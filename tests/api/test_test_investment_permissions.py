"""Every role against testInvestment and its CSV, per authz/PERMISSIONS.md.

The demo users hold their roles in payments (rmo and auditor org-wide): a defect recorded on a
fresh payments service shows in the table exactly where the matrix ticks `defect/read`,
`change_ledger/read` and `evidence/read`; the CSV answers 200 exactly where `defect/export` is
ticked. Nobody is refused the query: outside your scope the table is empty.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_defect_support import record
from tests.api.test_permission_matrix import USERS, expected

QUERY = """query($s: ID!) { testInvestment(scope: {serviceId: $s}) {
  rows { component defects { id } } } }"""


@pytest.mark.parametrize("role", list(USERS))
async def test_the_table_shows_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    [service] = await services(api, "payments")
    await record(api, service, component="permissions", escapedTestLayer="UNIT")

    body = await api.gql(QUERY, {"s": service}, as_user=USERS[role])

    assert "errors" not in body, body
    shown = [r["component"] for r in body["data"]["testInvestment"]["rows"]]
    reads = all(
        expected(role, resource, "read", org_level=False)
        for resource in ("defect", "change_ledger", "evidence")
    )
    assert shown == (["permissions"] if reads else []), (role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_csv_answers_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    response = await api.http.get(
        "/insights/test-investment.csv",
        headers={"authorization": f"Bearer {api.token(USERS[role])}"},
    )
    allowed = expected(role, "defect", "export", org_level=False)
    assert response.status_code == (200 if allowed else 403), (role, response.text)
