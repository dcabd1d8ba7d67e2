"""The go/no-go dashboard: latency of `releaseReadiness` for a release shipping 30 services,
end to end through the ASGI app (no network), on SQLite and PostgreSQL.

Run: .venv/bin/python bench/readiness_dashboard_bench.py [--runs 50] [--services 30]
                                                         [--dialects sqlite,postgresql]
                                                         [--postgres-url URL]  (emptied first)

Builds the world of tests/api/test_promotion_decision.py on a fresh database with the demo
data (a production environment, a service with onboarding, DR, an active pipeline) plus
29 more services of the payments BU, one release shipping all 30 (submitted, its
documentation filled), and asks for its dashboard with every area's gates, the services'
decisions, the linked readiness review and go/no-go session ("every gate"), and for the
meeting's first look only (verdict, areas' status, blocking gates: "summary"), and for what
`<sb-release-readiness>` asks (its registered document: "component"). Also counts
the statements of one asking. Prints p50/p99 per row and a table for bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from bench._harness import fresh_database, percentile, table
from demo.organization import load_demo
from domain.migrations import upgrade_async
from tests.api.conftest import Api, settings_for
from tests.api.governance_support import services
from tests.api.test_promotion_decision import world
from tests.api.test_query_cost import counting
from tests.api.test_release_blockers import _release
from tests.api.test_release_readiness import RELEASE

SUMMARY = """query($id: ID!) { releaseReadiness(releaseId: $id) { verdict riskLevel
  goNoGoSession { status } areas { area status }
  services { service { key } environment { key } status gates { gate status reason } } } }"""
"""What the meeting reads first: the verdict, each area's status and what blocks each service."""

PG_URL = "postgresql+asyncpg://root@/signalbox_dashboardbench?host=/var/run/postgresql"


async def run(dialect: str, url: str, runs: int, count: int) -> list[list[str]]:
    await upgrade_async(url)
    app = create_app(settings_for(url, Path(tempfile.mkdtemp(prefix="dashboardbench-data-"))))
    async with LifespanManager(app) as manager:
        runtime = app.state.runtime
        await load_demo(runtime)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            api = Api(app=app, http=http, runtime=runtime)
            w = await world(api)
            shipped = [w["service"], *await services(api, "payments", count - 1)]
            rel = await _release(api, shipped)
            rows = []
            for label, query in (
                ("every gate", RELEASE),
                ("summary", SUMMARY),
                ("component", _component_document()),
            ):
                rows.append([dialect, label, str(count), *await _measure(api, rel, query, runs)])
    return rows


def _component_document() -> str:
    """The query `<sb-release-readiness release-id>` sends, as the build registered it."""
    manifest = Path(__file__).resolve().parents[1] / "api" / "graphql" / "trusted-documents.json"
    documents = json.loads(manifest.read_text(encoding="utf-8")).values()
    return next(d for d in documents if d.startswith("query SbReleaseReadiness("))


async def _measure(api: Api, rel: dict[str, str], query: str, runs: int) -> list[str]:
    token = api.token("release-manager")
    with counting(api) as statements:
        body = await api.gql(query, {"id": rel["id"]}, token=token)
    assert "errors" not in body, body
    lines = len(body["data"]["releaseReadiness"]["services"])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body = await api.gql(query, {"id": rel["id"]}, token=token)
        times.append((time.perf_counter() - start) * 1000)
    assert "errors" not in body, body
    p50, p99 = percentile(times, 50), percentile(times, 99)
    return [str(lines), str(len(statements)), f"{p50:.1f}", f"{p99:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--services", type=int, default=30)
    parser.add_argument("--dialects", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=PG_URL, help="emptied before the run")
    args = parser.parse_args()
    rows = []
    for dialect in args.dialects.split(","):
        url = fresh_database(dialect, args.postgres_url, "dashboardbench-")
        rows += asyncio.run(run(dialect, url, args.runs, args.services))
    print(f"Python {platform.python_version()}, {platform.machine()}\n")
    header = [
        "dialect",
        "query",
        "services",
        "service x env lines",
        "statements",
        "p50 ms",
        "p99 ms",
    ]
    print(table(header, rows))


if __name__ == "__main__":
    main()
