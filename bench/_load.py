"""Fallback load generator (when wrk is missing): httpx, fixed concurrency, bounded time.

Reads {url, body, headers, duration, connections} as JSON on stdin, prints the result as JSON.
Run in its own process so it does not share a core's event loop with a server. Slower than
wrk: past a few thousand requests per second it, not the server, is the limit.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


async def main(spec: dict[str, object]) -> dict[str, object]:
    url = str(spec["url"])
    body = str(spec["body"]).encode()
    headers = dict(spec["headers"])  # type: ignore[call-overload]
    duration = float(spec["duration"])  # type: ignore[arg-type]
    connections = int(spec["connections"])  # type: ignore[call-overload]
    latencies: list[float] = []
    non_2xx = errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def worker() -> None:
            nonlocal non_2xx, errors
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    response = await client.post(url, content=body, headers=headers)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if not 200 <= response.status_code < 300:
                    non_2xx += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000

    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "non_2xx": non_2xx,
        "errors": errors,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.stdin.read())))))
