"""/graphql over HTTP: GET and POST, body limits, idempotency keys, the deadline, error formatting.

The transport rules of the GraphQL over HTTP spec (media types, GET, body type) are in
`api/graphql/over_http.py`; GraphiQL (development only) is the page a browser gets at GET /graphql.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import orjson
import strawberry
from graphql import OperationType
from starlette.requests import Request
from starlette.responses import Response

from api.graphql import over_http
from api.graphql.context import Context
from api.graphql.errors import TopLevelCode, format_error
from api.graphql.graphiql import GraphiQLPage
from api.graphql.limits import operation_type
from api.graphql.subscriptions import WebSocketTransport
from api.http import BodyTooLarge, ORJSONResponse, error_response, read_body
from domain.kernel import idempotency
from domain.kernel.errors import Unavailable
from domain.kernel.uow import UnitOfWork

if TYPE_CHECKING:
    from api.runtime import Runtime
    from api.settings import Settings

log = logging.getLogger("signalbox.graphql")
MAX_IDEMPOTENCY_KEY = 200


class GraphQLEndpoint:
    def __init__(self, runtime: Runtime, schema: strawberry.Schema) -> None:
        self.runtime = runtime
        self.schema = schema
        self.websocket = WebSocketTransport(runtime, schema)  # graphql-transport-ws, same path
        self.ide = GraphiQLPage(runtime.settings.components_dir)

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and "query" not in request.query_params:
            return self._ide(request)
        media = over_http.negotiate(request.headers.get("accept"))
        if media is None:
            return over_http.not_acceptable()
        if request.method == "GET":
            return await self._get(request, media)
        refused = over_http.unsupported_body(request.headers.get("content-type"))
        if refused is not None:
            return refused
        settings = self.runtime.settings
        try:
            body = await read_body(request, settings.max_body_bytes)
        except BodyTooLarge:
            return error_response(
                413, "BAD_USER_INPUT", f"The body exceeds {settings.max_body_bytes} bytes."
            )
        parsed = _parse_request(body)
        if isinstance(parsed, Response):
            return parsed
        may_subscribe = "subscription" in parsed["query"]
        if may_subscribe and _operation(parsed, settings) is OperationType.SUBSCRIPTION:
            return error_response(
                400, "BAD_USER_INPUT", "Subscriptions run over WebSocket (graphql-transport-ws)."
            )
        key = request.headers.get("idempotency-key")
        if key is None:
            return await self._execute(request, parsed, media)
        return await self._idempotent(request, parsed, body, key, media)

    async def _get(self, request: Request, media: str) -> Response:
        """A query whose document, variables and operation name are in the URL."""
        parsed = over_http.params_from_url(request.query_params)
        if isinstance(parsed, Response):
            return parsed
        operation = _operation(parsed, self.runtime.settings)
        if operation is OperationType.MUTATION:
            return over_http.mutation_over_get()
        if operation is OperationType.SUBSCRIPTION:
            return error_response(
                400, "BAD_USER_INPUT", "Subscriptions run over WebSocket (graphql-transport-ws)."
            )
        return await self._execute(request, parsed, media)

    def _ide(self, request: Request) -> Response:
        """GraphiQL for a browser in development; otherwise a GET needs a `query`."""
        wants_page = "text/html" in request.headers.get("accept", "")
        if wants_page and not self.runtime.settings.production:
            return self.ide.render()
        return error_response(400, "BAD_USER_INPUT", "A GET request needs a `query` parameter.")

    async def _execute(self, request: Request, parsed: dict[str, Any], media: str) -> Response:
        context = Context(
            request=request,
            runtime=self.runtime,
            actor=request.state.actor,
            request_id=request.state.request_id,
        )
        settings = self.runtime.settings
        try:
            async with asyncio.timeout(settings.execution_timeout_seconds):
                result = await self.schema.execute(
                    parsed["query"],
                    variable_values=parsed.get("variables"),
                    operation_name=parsed.get("operationName"),
                    context_value=context,
                )
        except TimeoutError:
            return error_response(
                504,
                TopLevelCode.DEADLINE_EXCEEDED,
                f"The request ran past its {settings.execution_timeout_seconds:g} s deadline.",
            )
        payload: dict[str, Any] = {}
        status = 200
        headers: dict[str, str] = {}
        if result.errors:
            errors = [format_error(e, context.request_id) for e in result.errors]
            payload["errors"] = errors
            codes = {e["extensions"]["code"] for e in errors}
            for code in codes:
                self.runtime.metrics.graphql_errors.labels(code).inc()
            if TopLevelCode.UNAVAILABLE in codes:
                status, headers = 503, {"Retry-After": "2"}
                self.runtime.metrics.db_unavailable.inc()
            elif media == over_http.GRAPHQL_RESPONSE and over_http.is_request_error(result):
                # The document never ran: no `data` entry at all, and a 4xx (the spec's rule
                # for this media type; application/json keeps the legacy 200).
                return ORJSONResponse(payload, status_code=400, media_type=media)
        payload["data"] = result.data
        return ORJSONResponse(payload, status_code=status, headers=headers, media_type=media)

    async def _idempotent(
        self, request: Request, parsed: dict[str, Any], body: bytes, key: str, media: str
    ) -> Response:
        """Same key and body: replay the stored answer. Same key, other body: refuse."""
        if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
            return error_response(
                400, "BAD_USER_INPUT", "Idempotency-Key takes 1 to 200 characters."
            )
        if _operation(parsed, self.runtime.settings) is not OperationType.MUTATION:
            return await self._execute(request, parsed, media)
        actor = request.state.actor
        digest = hashlib.sha256(body).hexdigest()
        runtime = self.runtime
        try:
            stored = await self._claim(actor.subject, key, digest)
        except Unavailable as exc:
            return error_response(503, "UNAVAILABLE", exc.message, {"Retry-After": "2"})
        if stored is not None:
            request_hash, status_code, stored_body = stored
            if request_hash != digest:
                return error_response(
                    422,
                    "IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was used with a different request body.",
                )
            if status_code == idempotency.IN_PROGRESS:
                return error_response(
                    409,
                    "IDEMPOTENCY_IN_PROGRESS",
                    "A request with this Idempotency-Key is still running; retry shortly.",
                    {"Retry-After": "1"},
                )
            return Response(
                stored_body,
                status_code=status_code,
                media_type=media,
                headers={"Idempotent-Replayed": "true"},
            )
        response = await self._execute(request, parsed, media)
        await runtime.units.run(lambda uow: _settle(uow, actor.subject, key, response))
        return response

    async def _claim(self, subject: str, key: str, digest: str) -> tuple[str, int, bytes] | None:
        """Reserve the key for this request, or return what is stored under it already.

        A reservation older than twice the execution deadline belongs to a request that died
        with its process; it is taken over rather than blocking the key forever.
        """
        runtime = self.runtime
        now = runtime.clock.now()
        abandoned_before = now - timedelta(seconds=2 * runtime.settings.execution_timeout_seconds)

        async def claim(uow: UnitOfWork) -> tuple[str, int, bytes] | None:
            stored = await idempotency.find(uow.session, subject, key)
            abandoned = (
                stored is not None
                and stored.status_code == idempotency.IN_PROGRESS
                and stored.created_at < abandoned_before
            )
            if abandoned:
                await idempotency.release(uow.session, subject, key)
                stored = None
            if stored is None:
                if await idempotency.reserve(uow.session, subject, key, digest, now):
                    return None
                stored = await idempotency.find(uow.session, subject, key)
                assert stored is not None
            return stored.request_hash, stored.status_code, stored.body

        return await runtime.units.run(claim)


def _parse_request(body: bytes) -> dict[str, Any] | Response:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return error_response(400, "BAD_USER_INPUT", "The body is not JSON.")
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return error_response(400, "BAD_USER_INPUT", "Send a JSON object with a string `query`.")
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return error_response(400, "BAD_USER_INPUT", "`variables` must be an object.")
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        return error_response(400, "BAD_USER_INPUT", "`operationName` must be a string.")
    return data


def _operation(parsed: dict[str, Any], settings: Settings) -> OperationType | None:
    # Parsed once per document and within the token limit (api/graphql/limits.py).
    return operation_type(parsed["query"], parsed.get("operationName"), settings.graphql_max_tokens)


async def _settle(uow: UnitOfWork, subject: str, key: str, response: Response) -> None:
    """Keep the answer under the key; a server failure frees the key for a retry instead."""
    if response.status_code >= 500:
        await idempotency.release(uow.session, subject, key)
    else:
        await idempotency.complete(
            uow.session, subject, key, response.status_code, bytes(response.body)
        )
