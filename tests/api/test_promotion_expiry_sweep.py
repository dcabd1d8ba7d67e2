"""A waiting promotion past its time reads expired at once, and the housekeeping sweep writes
it, audited. The time is moved by writing the promotion's expiry into the past (the API's
clock is the system's), so nothing waits on the wall clock."""

from __future__ import annotations

import uuid
from datetime import timedelta

from api.graphql.relay import from_global_id
from domain.kernel.uow import UnitOfWork
from domain.pipelines import promotion_repository
from tests.api.conftest import Api
from tests.api.test_promotion_cancel_api import AUDIT, requested

READ = """query($id: ID!) { node(id: $id) { ... on Promotion { status summary version } } }"""


async def lapse(api: Api, promotion_id: uuid.UUID) -> None:
    """Move the promotion's expiry a second into the past."""

    async def work(uow: UnitOfWork) -> None:
        row = await promotion_repository.get_promotion(uow.session, promotion_id)
        assert row is not None
        row.expires_at = api.runtime.clock.now() - timedelta(seconds=1)

    await api.runtime.units.run(work)


async def test_it_reads_expired_then_the_sweep_writes_it_once(api: Api) -> None:
    promotion = await requested(api, "ci")
    raw = from_global_id(promotion["id"])
    await lapse(api, raw)
    read = (await api.ok(READ, {"id": promotion["id"]}))["node"]
    assert read["status"] == "EXPIRED" and read["summary"].startswith("Expired at ")
    assert read["version"] == promotion["version"] + 1  # only the expiry moved so far
    await api.runtime.housekeeping.sweep()
    swept = (await api.ok(READ, {"id": promotion["id"]}))["node"]
    assert (swept["status"], swept["summary"]) == ("EXPIRED", read["summary"])
    assert swept["version"] == read["version"] + 1
    await api.runtime.housekeeping.sweep()
    records = (await api.ok(AUDIT, {"id": str(raw)}))["auditRecords"]["nodes"]
    assert [r["action"] for r in records].count("promotion.expire") == 1
    assert records[-1]["rule"].startswith("promotion_wait_expiry_hours: waiting past ")
