"""JSON logs carrying the request id, and the Prometheus metrics of the process."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextvars import ContextVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_SECRET = re.compile(r"(Bearer\s+)[^\s\"']+|(sbx_)[A-Za-z0-9_-]+", re.IGNORECASE)


def new_request_id(offered: str | None) -> str:
    """Keep a caller's request id when it is sane; otherwise make one."""
    if offered and _REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


class _RequestContext(logging.Filter):
    """Stamps the request id on every record and scrubs anything that looks like a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        if isinstance(record.msg, str) and _SECRET.search(record.msg):
            record.msg = _SECRET.sub(
                lambda m: (m.group(1) or m.group(2)) + "[redacted]", record.msg
            )
        return True


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    handler.addFilter(_RequestContext())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel("WARNING")
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


class Metrics:
    """One registry per app, so several apps in one process (tests) don't collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "signalbox_http_requests_total",
            "HTTP requests",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "signalbox_http_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.graphql_errors = Counter(
            "signalbox_graphql_errors_total",
            "GraphQL errors by code",
            ["code"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "signalbox_http_requests_in_flight", "Requests being served", registry=self.registry
        )
        self.db_unavailable = Counter(
            "signalbox_database_unavailable_total",
            "Requests refused because the database was down",
            registry=self.registry,
        )
