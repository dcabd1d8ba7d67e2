"""What `signalbox demo` shows of test investment (demo/testing_history.py): the payouts team's
tests that exist but miss, and the layers where tests are missing, ranked."""

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

QUERY = """{ testInvestment { suggestions { rank row { component escapedLayer classification
  unmappedSuites layerEvidence { latestCoveragePercent } service { key } } } } }"""


async def test_the_demo_shows_both_kinds_of_suggestion(tmp_path: Path) -> None:
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
            found = (await api.ok(QUERY))["testInvestment"]["suggestions"]
    rows = {(s["row"]["service"]["key"], s["row"]["component"]): s["row"] for s in found}
    cutoffs = rows[("payout-scheduler", "cutoffs")]
    assert (cutoffs["escapedLayer"], cutoffs["classification"]) == (
        "UNIT",
        "ESCAPES_DESPITE_COVERAGE",
    )
    assert cutoffs["layerEvidence"]["latestCoveragePercent"] == 87.5
    bank_files = rows[("settlement", "bank-files")]
    assert (bank_files["escapedLayer"], bank_files["classification"]) == (
        "CONTRACT",
        "COVERAGE_MISSING",
    )
    statements = rows[("merchant-statements", "statement-lines")]
    assert statements["classification"] == "COVERAGE_MISSING"
    assert statements["layerEvidence"]["latestCoveragePercent"] == 42.0
    assert statements["unmappedSuites"] == ["smoke"]
    assert [s["rank"] for s in found] == list(range(1, len(found) + 1))
