"""What `signalbox demo` shows of support rotations, on the data it loads into a database of its
own (SQLite: what is shown is the demo's data, not the dialect): a rotation for every demo team,
a swap with its reason, a production release with its watchers, and loading twice changes
nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from demo.calendar import load_calendar_demo
from demo.organization import TEAMS, load_demo
from demo.unauthorized import load_unauthorized_demo
from demo.world import load_world
from domain.migrations import upgrade_async
from tests.api.conftest import Api, settings_for

ROTATIONS = """{ supportRotations(first: 50) { nodes { id name team { key }
  members { username } onShift { number member { username } } } } }"""
RELEASES = """{ releases(first: 50) { nodes { title
  watchers { primary { username } secondary { username } secondaryHours } } } }"""
SHIFTS = """query($r: ID!, $from: DateTime!, $to: DateTime!) { supportShifts(rotationId: $r,
  from: $from, to: $to) { number member { username } swap { reason gaveAway { username } } } }"""


async def test_the_demo_has_rotations_a_swap_and_watched_releases(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    await upgrade_async(url)
    app = create_app(settings_for(url, tmp_path))
    async with LifespanManager(app) as manager:
        runtime = app.state.runtime
        for load in (load_demo, load_calendar_demo, load_unauthorized_demo, load_world):
            await load(runtime)
        assert await load_world(runtime) is False
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as http:
            api = Api(app=app, http=http, runtime=runtime)
            rotations = (await api.ok(ROTATIONS))["supportRotations"]["nodes"]
            releases = (await api.ok(RELEASES, as_user="viewer"))["releases"]["nodes"]
            now = runtime.clock.now()
            acquiring = next(r for r in rotations if r["team"]["key"] == "acquiring")
            shifts = await api.ok(
                SHIFTS,
                {
                    "r": acquiring["id"],
                    "from": now.isoformat(),
                    "to": (now + timedelta(days=21)).isoformat(),
                },
            )
    assert sorted(r["team"]["key"] for r in rotations) == sorted(TEAMS)
    assert all(r["onShift"] is not None and r["members"] for r in rotations)
    swapped = [s for s in shifts["supportShifts"] if s["swap"]]
    assert len(swapped) == 1
    assert swapped[0]["swap"]["reason"] == "Conference in Lisbon that week."
    assert swapped[0]["member"]["username"] != swapped[0]["swap"]["gaveAway"]["username"]
    watched = {r["title"]: r["watchers"] for r in releases if r["watchers"]}
    exemptions = watched["Card gateway 3-D Secure exemptions"]
    assert exemptions["primary"]["username"] in {"sre", "eng-approver", "release-manager"}
    assert exemptions["secondary"]["username"] == "engineer"
    assert exemptions["secondaryHours"] == 24
    assert "Settlement cut-off tuning" in watched
