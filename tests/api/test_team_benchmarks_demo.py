"""What `signalbox demo` shows of team benchmarks, on the data it loads into a database of its
own: the world's teams in cohorts, with positions and the practices of the best."""

from __future__ import annotations

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
from tests.api.test_team_benchmarks_support import BENCHMARK, BENCHMARKS


async def test_the_demo_shows_cohorts_of_teams(tmp_path: Path) -> None:
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
            found = (await api.ok(BENCHMARKS))["teamBenchmarks"]
            payments = {c["key"]: c for c in found["cohorts"]}["critical/small"]
            ledger = next(t["teamId"] for t in payments["teams"] if t["teamKey"] == "ledger")
            mine = (await api.ok(BENCHMARK, {"t": ledger}))["teamBenchmark"]
    keys = {t["teamKey"] for t in payments["teams"]}
    assert {"acquiring", "ledger", "payouts"} <= keys
    assert payments["note"] is None
    payouts = next(t for t in payments["teams"] if t["teamKey"] == "payouts")
    assert payouts["deployments"] >= 18 and payouts["engineers"] == 2
    assert all(p["rank"] for p in payouts["positions"] if p["metric"] == "REVIEW_WAIT")
    assert mine["team"] is not None and mine["cohort"]["key"] == "critical/small"
    assert any(d["practice"] == "deploys_per_week" for d in mine["differences"])
