"""What `signalbox demo` shows of team benchmarks, on the data it loads into a database of its
own: payments' three critical teams ranked in one cohort, with the practices of the best."""

from __future__ import annotations

from pathlib import Path

from demo.calendar import load_calendar_demo
from demo.unauthorized import load_unauthorized_demo
from demo.world import load_world
from tests.api.conftest import serving_demo
from tests.api.test_team_benchmarks_support import BENCHMARK, BENCHMARKS


async def test_the_demo_shows_a_cohort_of_teams(tmp_path: Path) -> None:
    async with serving_demo(f"sqlite+aiosqlite:///{tmp_path}/demo.db", tmp_path) as api:
        for load in (load_calendar_demo, load_unauthorized_demo, load_world):
            await load(api.runtime)
        found = (await api.ok(BENCHMARKS))["teamBenchmarks"]
        payments = {c["key"]: c for c in found["cohorts"]}["critical/small"]
        ledger = next(t["teamId"] for t in payments["teams"] if t["teamKey"] == "ledger")
        mine = (await api.ok(BENCHMARK, {"t": ledger}))["teamBenchmark"]
    assert {"acquiring", "ledger", "payouts"} <= {t["teamKey"] for t in payments["teams"]}
    assert payments["note"] is None
    payouts = next(t for t in payments["teams"] if t["teamKey"] == "payouts")
    assert payouts["deployments"] >= 18 and payouts["engineers"] == 2
    assert all(p["rank"] for p in payouts["positions"] if p["metric"] == "REVIEW_WAIT")
    assert mine["team"] is not None and mine["cohort"]["key"] == "critical/small"
    assert any(d["practice"] == "deploys_per_week" for d in mine["differences"])
