"""Pure ASGI middleware: request ids and metrics, then authentication of every private path."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.endpoints.cdevents import WEBHOOK_PREFIX
from api.endpoints.ical import FEED_PATH_PREFIX
from api.endpoints.landing import is_front_door
from api.endpoints.ofrep import OFREP_PREFIX
from api.endpoints.post_release_feedback import PREFIX as FEEDBACK_WEBHOOK_PREFIX
from api.endpoints.schemas import SCHEMAS_PREFIX
from api.http import error_response, header
from api.notice_links import ACK_PATH
from api.observability import log_request, new_request_id, request_id_var, route_template
from api.rate_limits import address_of, refused
from domain.kernel.access import Actor
from domain.kernel.errors import Unauthenticated, Unavailable

if TYPE_CHECKING:
    from api.gc_policy import WarmUp
    from api.runtime import Runtime


_LABELS_KEPT = 1024


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, runtime: Runtime, warm_up: WarmUp | None = None) -> None:
        self.app = app
        self.runtime = runtime
        self.warm_up = warm_up
        # The labelled children of the request metrics, looked up once per label values
        # (prometheus_client's `labels` takes a lock and builds a key on every call).
        self._counted: dict[tuple[str, str, int], Any] = {}
        self._timed: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id(header(scope, b"x-request-id"))
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        metrics = self.runtime.metrics
        route = route_template(scope)
        status = 500
        started = time.perf_counter()
        id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            metrics.in_flight.dec()
            method = scope["method"]
            counted = self._counted.get((route, method, status))
            if counted is None:
                counted = metrics.requests.labels(route, method, str(status))
                if len(self._counted) < _LABELS_KEPT:  # methods come from clients: bounded
                    self._counted[(route, method, status)] = counted
            counted.inc()
            elapsed = time.perf_counter() - started
            timed = self._timed.get(route)
            if timed is None:
                timed = self._timed[route] = metrics.latency.labels(route)
            timed.observe(elapsed)
            log_request(scope, route, status, elapsed)
            request_id_var.reset(token)
            if self.warm_up is not None:
                self.warm_up.served()


class AuthenticationMiddleware:
    """Every request except health, readiness and static components carries a bearer token."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_public(scope, self.runtime):
            await self.app(scope, receive, send)
            return
        limits, address = self.runtime.rate_limits, address_of(scope)
        locked_out = await limits.locked_out(address)  # api/rate_limits.py
        if locked_out is not None:
            await refused(locked_out)(scope, receive, send)
            return
        try:
            actor = await self._authenticate(scope)
        except Unauthenticated as exc:
            await limits.failed(address)
            response = error_response(
                401,
                "UNAUTHENTICATED",
                exc.message,
                {"WWW-Authenticate": 'Bearer realm="signalbox"'},
            )
            await response(scope, receive, send)
            return
        except Unavailable as exc:
            self.runtime.metrics.db_unavailable.inc()
            response = error_response(503, "UNAVAILABLE", exc.message, {"Retry-After": "2"})
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["actor"] = actor
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope) -> Actor:
        authorization, api_key = header(scope, b"authorization"), header(scope, b"x-api-key")
        # OFREP lets a client send its key as X-API-Key; a bearer credential, when given, wins.
        if authorization is None and api_key is not None and scope["path"].startswith(OFREP_PREFIX):
            return await self.runtime.authenticator.authenticate_api_key(api_key)
        return await self.runtime.authenticator.authenticate(authorization)


def _is_public(scope: Scope, runtime: Runtime) -> bool:
    path: str = scope["path"]
    if path in ("/healthz", "/readyz") or path.startswith("/components/"):
        return True
    # Published JSON Schemas hold no data; editors and linters fetch them without a token.
    if path.startswith(SCHEMAS_PREFIX) and scope["method"] == "GET":
        return True
    # Calendar clients send no bearer header: the feed's own secret, in the path, authenticates.
    if path.startswith(FEED_PATH_PREFIX) and path.endswith(".ics"):
        return True
    # Signed CDEvents webhooks carry no bearer either: the HMAC signature is the credential.
    if path.startswith(WEBHOOK_PREFIX) and scope["method"] == "POST":
        return True
    # Signed feedback webhooks likewise: the Standard Webhooks signature is the credential.
    if path.startswith(FEEDBACK_WEBHOOK_PREFIX) and scope["method"] == "POST":
        return True
    # A downtime notice's acknowledgement link carries no bearer: its signature is the credential.
    if path == ACK_PATH and scope["method"] in ("GET", "POST"):
        return True
    # The front door holds links only (the schema and docs answer in development only).
    if scope["method"] == "GET" and is_front_door(path):
        return True
    # The GraphiQL page itself is static (development only); its requests carry a token, and so
    # must a query sent over GET (a URL with `query`), whatever it accepts.
    return (
        path == "/graphql"
        and scope["method"] == "GET"
        and not runtime.settings.production
        and "text/html" in Headers(scope=scope).get("accept", "")
        and "query" not in QueryParams(scope.get("query_string", b""))
    )
