"""Issue 14's "done when" for fairness, for the full minute: one viewer floods, the others?

    .venv/bin/python bench/flood_bench.py [--seconds 60]

Starts `signalbox serve` (one worker, production settings, log level WARNING) over a temp
SQLite database holding the demo enterprise. The demo's `viewer` then sends every attack of
issue 14 back to back over 8 connections (`tests/api/flood_support.py`: near-limit comments,
nested connections, validation bombs, documents at the token limit, oversized texts,
deep introspection, light queries; each varied so no cache answers), while `rmo` sends a
light query and `/healthz` is probed every 0.25 s and the server's memory is read from
`/proc/<pid>/status` every 0.1 s. `tests/api/test_flood.py` asserts the same for a shorter
flood; here the figures: the viewer's answers by status, rmo's answers and latencies,
/healthz's p50/p99/max, the memory before, the largest sample and the kernel's high-water
mark (VmHWM). Every loop ends at its deadline; the server is a subprocess stopped by its pid.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h
from bench.fairness_bench import seeded_demo
from bench.graphql_bench import mint_token, signalbox_argv
from tests.api.flood_support import Probe, flood

MIB = 1024 * 1024


def latencies(probe: Probe) -> str:
    ok = probe.statuses.get(200, 0)
    total = sum(probe.statuses.values())
    if not probe.latencies:
        return f"{ok}/{total} ok"
    p50, p99 = (h.percentile(probe.latencies, q) * 1000 for q in (50, 99))
    worst = max(probe.latencies) * 1000
    return f"{ok}/{total} ok; p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {worst:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    data_dir, env = seeded_demo()
    port = h.free_port()
    viewer, rmo = (mint_token(data_dir, user) for user in ("viewer", "rmo"))
    with h.server(
        "signalbox", signalbox_argv(), port=port, env={**env, "SIGNALBOX_PORT": str(port)}
    ) as server:
        seen = asyncio.run(flood(server.url, server.process.pid, viewer, rmo, args.seconds))
        high_water = seen.memory.high_water
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(seen.viewer.items()))
    rows = [
        ["the viewer's flood, answers by status", statuses],
        ["rmo's light query", latencies(seen.other)],
        ["/healthz", latencies(seen.health)],
        [
            "server memory (RSS): before, largest sample, high-water mark",
            f"{seen.memory.before / MIB:.0f} / {max(seen.memory.samples) / MIB:.0f} / "
            f"{high_water / MIB:.0f} MiB",
        ],
    ]
    print(h.table(["what", "figure"], rows))
    print(
        f"\n{args.seconds:g} s of flood, 8 connections of `viewer`; probes every 0.25 s; "
        f"load average at the end {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
