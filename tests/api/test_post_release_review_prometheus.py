"""A 24-hour review shows the error-rate regression read from a real Prometheus.

Debian's `prometheus` (installed by `make prometheus`) scrapes a small exporter in this test
every second: requests of card-gateway, 1 % of them failing until the deployment finishes and
30 % after it. The review's template reads the error rate by PromQL; gathered, the review
shows it before and after and lists it as a regression beyond the guardrail's tolerance.
Polls wait, with generous bounds, until Prometheus holds the data; nothing is timed. Each test
gets an exporter and a Prometheus (its own storage, a loopback port) of its own. Without
the binary the test skips, except under CI, where a skip is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import Api, settings_for
from tests.api.deployments_support import service
from tests.api.post_release_review_support import (
    GATHER,
    TEMPLATE_SET,
    deployed,
    result,
    review_of,
    serving_at,
    sweep,
)
from tests.support.ports import free_port

UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BOUND = 180.0
"""Seconds any wait for Prometheus may take on a busy machine before the test gives up."""
ERROR_RATE = (
    'sum(rate(app_requests_total{service="{service}",code="500"}[5s]))'
    ' / sum(rate(app_requests_total{service="{service}"}[5s]))'
)


@dataclass
class Exporter:
    """Counters of card-gateway's requests, growing with time at 100 per second; the share
    failing is `error_share`."""

    error_share: float = 0.01
    ok: float = 0.0
    failed: float = 0.0
    last: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def exposition(self) -> bytes:
        with self.lock:
            now = time.monotonic()
            elapsed, self.last = now - self.last, now
            self.failed += 100 * elapsed * self.error_share
            self.ok += 100 * elapsed * (1 - self.error_share)
            lines = [
                "# TYPE app_requests_total counter",
                f'app_requests_total{{service="card-gateway",code="200"}} {self.ok:.3f}',
                f'app_requests_total{{service="card-gateway",code="500"}} {self.failed:.3f}',
            ]
        return ("\n".join(lines) + "\n").encode()

    def fail_more(self, share: float) -> None:
        self.exposition()  # count what went before at the old share
        with self.lock:
            self.error_share = share


@pytest.fixture
def exporter() -> Iterator[tuple[Exporter, int]]:
    state = Exporter()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = state.exposition()
            self.send_response(200)
            self.send_header("content-type", "text/plain; version=0.0.4")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def prometheus(
    exporter: tuple[Exporter, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    binary = shutil.which("prometheus")
    if binary is None:
        reason = "Debian's prometheus is not installed (make prometheus)"
        if UNDER_CI:
            pytest.fail(f"{reason}: skips are failures under CI")
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("prometheus")
    config = home / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: app\n    static_configs:\n"
        f"      - targets: ['127.0.0.1:{exporter[1]}']\n"
    )
    port = free_port()
    log = (home / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _ready(url), f"Prometheus at {url} ready ({home / 'prometheus.log'})")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()


def _wait(check: Any, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.5)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _instant(url: str, promql: str) -> float | None:
    body = httpx.get(f"{url}/api/v1/query", params={"query": promql}, timeout=10).json()
    found = body["data"]["result"]
    return float(found[0]["value"][1]) if found else None


async def _await(check: Any, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not await asyncio.to_thread(check):
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        await asyncio.sleep(0.5)


def _samples_since(url: str, at: float, least: int) -> bool:
    """Whether Prometheus scraped at least `least` samples after `at` (unix seconds)."""
    seconds = max(min(int(time.time() - at), 3600), 1)
    count = _instant(url, f'count_over_time(app_requests_total{{code="500"}}[{seconds}s])')
    return count is not None and count >= least


@pytest.fixture
async def watched(
    api: Api, migrated_url: str, tmp_path: Path, prometheus: str
) -> AsyncIterator[Api]:
    """An app over the shared database reading metrics from the test's Prometheus."""
    settings = settings_for(
        migrated_url, tmp_path, outbox_delivery_enabled=False, prometheus_url=prometheus
    )
    async with serving_at(settings) as served:
        yield served


async def _template(api: Api) -> None:
    sid = (await service(api, "card-gateway"))["id"]
    current = await api.ok(
        "query($s: ID!) { postReleaseMetricTemplate(serviceId: $s) { version } }", {"s": sid}
    )
    found = current["postReleaseMetricTemplate"]
    done = result(
        await api.gql(
            TEMPLATE_SET,
            {
                "i": {
                    "serviceId": sid,
                    "version": found and found["version"],
                    "queries": [{"name": "error_rate", "promql": ERROR_RATE}],
                }
            },
            as_user="sre",
        )
    )
    assert done["errors"] == [], done


class TestTheReviewReadsARealPrometheus:
    async def test_it_shows_the_error_rate_regression_after_the_deployment(
        self, watched: Api, prometheus: str, exporter: tuple[Exporter, int]
    ) -> None:
        api, state = watched, exporter[0]
        await _template(api)
        await _await(lambda: _samples_since(prometheus, 0, 30), "30 healthy scrapes")

        dep = await deployed(api)
        state.fail_more(0.30)
        finished = time.time()
        await _await(lambda: _samples_since(prometheus, finished, 20), "20 scrapes after it")
        await sweep(api)
        review = await review_of(api, dep["id"])
        assert review is not None

        gathered = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="sre"))
        assert gathered["errors"] == [], gathered
        found = gathered["postReleaseReview"]
        assert found["metricsState"] == "GATHERED", found
        metric = next(m for m in found["metrics"] if m["name"] == "error_rate")
        assert metric["query"].count('service="card-gateway"') == 2
        assert metric["before"] is not None and metric["after"] is not None, metric
        assert metric["before"] < 0.05 < metric["after"], metric
        regressions = [i for i in found["emergentIssues"] if i["kind"] == "METRIC_REGRESSION"]
        assert [i["key"] for i in regressions] == ["error_rate"], found["emergentIssues"]
        assert "tolerance" in regressions[0]["detail"]
