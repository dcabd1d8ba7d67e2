"""An app served by uvicorn on 127.0.0.1 (a free port, a background thread, bounded start and
stop), for tests that need a real HTTP connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from starlette.applications import Starlette

from tests.support.ports import free_port

START_TIMEOUT = 120.0  # generous: the suite runs on busy machines
STOP_TIMEOUT = 60.0  # a stop closes pools and three LISTEN connections; slow under load


@contextmanager
def live_server(app: Starlette) -> Iterator[int]:
    """Serve `app` (its lifespan included) until the block ends; yields the port."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="signalbox-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            pytest.fail(f"uvicorn did not start within {START_TIMEOUT}s")
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        assert not thread.is_alive(), f"uvicorn did not stop within {STOP_TIMEOUT}s"
