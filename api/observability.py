"""JSON logs carrying the request id, one access line per request, and the Prometheus metrics
of the process (routes labelled by their template)."""

from __future__ import annotations

import logging
import logging.config
import re
import uuid
from contextvars import ContextVar
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope

from api.insights_gauges import DoraGauges

access_log = logging.getLogger("signalbox.access")
UNMATCHED_ROUTE = "unmatched"
"""The route label of requests no route answers (404s): raw paths would be unbounded."""
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


def logging_config(level: str = "INFO", json: bool = True) -> dict[str, Any]:
    """The logging of a process as a dictConfig: `configure_logging` applies it here, and
    uvicorn applies it in every worker process it spawns (its `log_config`)."""
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    quiet = {"level": "WARNING"}
    propagate: dict[str, Any] = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": _RequestContext}},
        "formatters": {"signalbox": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "signalbox",
                "filters": ["request"],
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            "alembic": quiet,
            # Casbin logs its whole model and policy at INFO when an enforcer is built.
            "casbin": quiet,
            "uvicorn": propagate,
            "uvicorn.error": propagate,
            # Requests are logged by signalbox.access, with the route template and request id.
            "uvicorn.access": {**propagate, "level": "WARNING"},
        },
    }


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    logging.config.dictConfig(logging_config(level, json))


def route_template(scope: Scope) -> str:
    """The template of the route a request goes to (`/evidence/releases/{release_id}`), never
    its raw path: metric labels and access lines stay bounded and carry no secret in a path."""
    app = scope.get("app")
    routes: list[BaseRoute] = getattr(getattr(app, "router", None), "routes", [])
    return _template(routes, scope, "") or UNMATCHED_ROUTE


def _template(routes: list[BaseRoute], scope: Scope, prefix: str) -> str | None:
    partial = None
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):
            inner = _template(route.routes, {**scope, **child}, prefix + route.path)
            template = inner or prefix + route.path
        else:
            template = prefix + getattr(route, "path", "")
        if match is Match.FULL:
            return template
        partial = partial or template  # the path matches but not the method: still its route
    return partial


def log_request(scope: Scope, route: str, status: int, seconds: float) -> None:
    """One access line per request: method, route template, status, duration (no query string,
    no raw path, no header: nothing that may carry a token)."""
    if access_log.isEnabledFor(logging.INFO):
        method = scope.get("method", "-")
        millis = round(seconds * 1000, 1)
        access_log.info(
            "%s %s %s %.1fms",
            method,
            route,
            status,
            millis,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": millis,
                "request_id": request_id_var.get(),
            },
        )


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
        self.dora = DoraGauges(self.registry)  # insights (issue 18): the four keys per BU
