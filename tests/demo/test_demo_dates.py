"""The demo is relative to the moment it is loaded: loaded on an ordinary day or inside the
payments quarter-end close (where the freeze refuses production promotions and scheduling skips
to the next free departure), it loads whole, and its trains still have departures ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.composition import build_runtime
from api.runtime import Runtime
from api.settings import Settings
from demo.calendar import load_calendar_demo
from demo.cast import EVERYWHERE
from demo.organization import load_demo
from demo.unauthorized import load_unauthorized_demo
from demo.world import load_world
from domain.kernel.clock import FixedClock
from domain.pipelines import promotion_repository as promotions
from domain.trains import repository as trains
from tests.conftest import reset_postgres

ORDINARY = datetime(2027, 2, 10, 9, 30, tzinfo=UTC)
QUARTER_END = datetime(2026, 12, 30, 10, 0, tzinfo=UTC)  # Wednesday of the December close


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    url: str = request.getfixturevalue("demo_postgres")
    await reset_postgres(url)
    return url


async def load_everything(url: str, data: Path, at: datetime) -> Runtime:
    settings = Settings(database_url=url, data_dir=data, env="test", log_json=False)
    runtime = build_runtime(settings, clock=FixedClock(at))
    await runtime.start()
    assert await load_demo(runtime)
    await load_calendar_demo(runtime)
    await load_unauthorized_demo(runtime)
    assert await load_world(runtime)
    assert not await load_world(runtime)
    return runtime


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class TestTheDemoLoadsOnAnyDay:
    @pytest.mark.parametrize("at", [ORDINARY, QUARTER_END], ids=["ordinary", "quarter-end"])
    async def test_it_loads_whole_with_departures_ahead(
        self, database_url: str, tmp_path: Path, at: datetime
    ) -> None:
        runtime = await load_everything(database_url, tmp_path, at)
        try:
            async with runtime.db.read_session() as session:
                page = await trains.trains_page(
                    session, EVERYWHERE, bu_id=None, product_domain=None, first=10, after=None
                )
                pis = await trains.pis_of_trains(session, [t.id for t in page.items])
                allowed = await promotions.promotions_page(
                    session,
                    EVERYWHERE,
                    service_id=None,
                    environment_id=None,
                    statuses=[],
                    now=at,
                    first=50,
                    after=None,
                )
            assert len({p.train_id for p in pis}) == 2
            assert any(_utc(p.starts_at) <= at < _utc(p.ends_at) for p in pis)
            assert max(_utc(p.ends_at) for p in pis) > at + timedelta(days=150)
            statuses = {p.status for p in allowed.items}
            assert ("allowed" in statuses) is (at == ORDINARY), statuses
        finally:
            await runtime.stop()
