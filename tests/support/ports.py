"""Loopback ports for servers a test starts that bind the port themselves (another process, or
uvicorn in a thread).

A port the kernel hands out (bind to port 0) and the probe released is free only for a moment:
with the suite in two xdist workers, the other worker's next server may take it in between (CI
saw a test's second server fail to bind, and the test talk to the other worker's demo). So each
worker hands out ports from a block of its own below the kernel's ephemeral range (32768 and up
on Linux, where the kernel's own picks and outgoing connections land), in turn from a random
start, skipping any that cannot be bound now: no two processes of one run reach for one port,
and one process does not hand out a port twice until it has gone round its block."""

from __future__ import annotations

import itertools
import os
import random
import socket

FIRST = 12_000
BLOCK = 4_000
WORKERS = 5  # blocks 12000-31999


def _block() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    low = FIRST + (int(worker) % WORKERS if worker.isdigit() else 0) * BLOCK
    return range(low, low + BLOCK)


_BLOCK = _block()
_turns = itertools.cycle(
    itertools.chain(
        *(lambda start: (_BLOCK[start:], _BLOCK[:start]))(random.randrange(len(_BLOCK)))
    )
)


def free_port() -> int:
    """A loopback port nobody holds now, this worker's next."""
    for _ in range(len(_BLOCK)):
        port = next(_turns)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free loopback port in {_BLOCK.start}-{_BLOCK.stop - 1}")
