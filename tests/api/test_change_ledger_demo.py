"""What `signalbox demo` shows of the change ledger and DORA, on the data it loads into a
database of its own: the card gateway's CD deployments with their commits and lead times broken
into steps, beside the world's other production changes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from demo.calendar import load_calendar_demo
from demo.organization import load_demo
from demo.unauthorized import load_unauthorized_demo
from demo.world import load_world
from domain.migrations import upgrade_async
from tests.api.conftest import Api, settings_for

SERVICE = """{ services(first: 100) { nodes { id key } } }"""
LEDGER = """query($s: ID!) { changeLedger(filter: {serviceId: $s, kind: DEPLOYMENT}) {
  nodes { kind commitCount leadTimeSeconds prOpenedAt } } }"""
DORA = """query($s: ID!, $since: DateTime!) { doraMetrics(scope: {serviceId: $s}, since: $since) {
  keys { deploymentFrequency { deployments } leadTime { seconds deploymentsMeasured
    codingSeconds pickupSeconds reviewSeconds deploySeconds } } } }"""


async def test_the_demo_ledger_holds_the_card_gateways_deployments_with_lead_times(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    await upgrade_async(url)
    app = create_app(settings_for(url, tmp_path))
    async with LifespanManager(app) as manager:
        runtime = app.state.runtime
        for load in (load_demo, load_calendar_demo, load_unauthorized_demo, load_world):
            await load(runtime)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as http:
            api = Api(app=app, http=http, runtime=runtime)
            services = (await api.ok(SERVICE))["services"]["nodes"]
            gateway = next(s["id"] for s in services if s["key"] == "card-gateway")
            entries = (await api.ok(LEDGER, {"s": gateway}))["changeLedger"]["nodes"]
            year = (runtime.clock.now() - timedelta(days=365)).isoformat()
            dora = (await api.ok(DORA, {"s": gateway, "since": year}))["doraMetrics"]["keys"]
    with_commits = [e for e in entries if e["commitCount"] == 2]
    assert len(with_commits) == 4
    assert all(e["leadTimeSeconds"] and e["prOpenedAt"] for e in with_commits)
    lead = dora["leadTime"]
    assert lead["deploymentsMeasured"] == 4
    assert all(lead[k] is not None for k in ("codingSeconds", "pickupSeconds", "reviewSeconds"))
