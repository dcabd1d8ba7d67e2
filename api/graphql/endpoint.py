"""/graphql over HTTP: GET and POST, body limits, idempotency keys, the deadline, error formatting.

The transport rules of the GraphQL over HTTP spec (media types, GET, body type) are in
`api/graphql/over_http.py`; GraphiQL (development only) is the page a browser gets at GET /graphql.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import orjson
import strawberry
from graphql import OperationType
from prometheus_client import Counter
from starlette.requests import Request
from starlette.responses import Response

from api.graphql import over_http, request_checks
from api.graphql.compiled import Answer, CompiledDocuments
from api.graphql.context import Context
from api.graphql.errors import TopLevelCode, format_error
from api.graphql.graphiql import GraphiQLPage
from api.graphql.idempotent import IdempotentMutations
from api.graphql.limits import operation_type
from api.graphql.mutations import KeyedUnit
from api.graphql.read_cache import ReadCache
from api.graphql.subscriptions import WebSocketTransport
from api.graphql.trusted_documents import TrustedDocuments
from api.http import BodyTooLarge, ORJSONResponse, error_response, header, read_body
from api.rate_limits import retry_after

if TYPE_CHECKING:
    from api.runtime import Runtime
    from api.settings import Settings

log = logging.getLogger("signalbox.graphql")


class GraphQLEndpoint:
    def __init__(self, runtime: Runtime, schema: strawberry.Schema) -> None:
        self.runtime = runtime
        self.schema = schema
        self.trusted = TrustedDocuments.for_runtime(runtime)  # by id; pages' rule
        self.websocket = WebSocketTransport(runtime, schema, self.trusted)  # graphql-transport-ws
        self.ide = GraphiQLPage(runtime.settings.components_dir)
        self.keyed = IdempotentMutations(runtime, self._execute)  # Idempotency-Key requests
        self.read_cache = ReadCache(
            schema._schema,
            max_age=runtime.settings.read_cache_seconds,
            max_bytes=runtime.settings.read_cache_bytes,
            is_registered=self.trusted.is_registered,
            clock=lambda: runtime.clock.now().timestamp(),  # a test's clock moves it too
        )
        self.cache_answers = Counter(
            "signalbox_read_cache_answers_total",
            "Registered queries answered from the read cache (hit) or run (miss)",
            ["outcome"],
            registry=runtime.metrics.registry,
        )
        # The labelled children, looked up once (`labels` takes a lock and builds a key).
        self._cache_hits = self.cache_answers.labels("hit")
        self._cache_misses = self.cache_answers.labels("miss")
        if runtime.data_changes is not None:
            changes = runtime.data_changes
            changes.subscribe(self.read_cache.clear)
            self.read_cache.serving = lambda: changes.current
        else:  # nothing would tell this cache about writes
            self.read_cache.max_age = 0
        # Registered documents' plans (api/graphql/compiled/): no per-field resolver dispatch.
        self.compiled = CompiledDocuments(schema._schema, runtime.settings)

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and not _names_a_document(request):
            return self._ide(request)
        scope = request.scope
        media = over_http.negotiate(header(scope, b"accept"))
        if media is None:
            return over_http.not_acceptable()
        await self.trusted.refresh()
        if request.method == "GET":
            return await self._get(request, media)
        refused = over_http.unsupported_body(header(scope, b"content-type"))
        if refused is not None:
            return refused
        settings = self.runtime.settings
        try:
            body = await read_body(request, settings.max_body_bytes)
        except BodyTooLarge:
            return error_response(
                413, "BAD_USER_INPUT", f"The body exceeds {settings.max_body_bytes} bytes."
            )
        parsed = _parse_request(body, settings, lambda data: self.trusted.resolve(request, data))
        if isinstance(parsed, Response):
            return parsed
        may_subscribe = "subscription" in parsed["query"]
        if may_subscribe and _operation(parsed, settings) is OperationType.SUBSCRIPTION:
            return error_response(
                400, "BAD_USER_INPUT", "Subscriptions run over WebSocket (graphql-transport-ws)."
            )
        key = header(scope, b"idempotency-key")
        if key is None:
            return await self._execute(request, parsed, media, None)
        return await self.keyed.handle(request, parsed, key, media)

    async def _get(self, request: Request, media: str) -> Response:
        """A query whose document, variables and operation name are in the URL."""
        parsed = over_http.params_from_url(
            request.query_params,
            self.runtime.settings,
            lambda data: self.trusted.resolve(request, data),
        )
        if isinstance(parsed, Response):
            return parsed
        operation = _operation(parsed, self.runtime.settings)
        if operation is OperationType.MUTATION:
            return over_http.mutation_over_get()
        if operation is OperationType.SUBSCRIPTION:
            return error_response(
                400, "BAD_USER_INPUT", "Subscriptions run over WebSocket (graphql-transport-ws)."
            )
        return await self._execute(request, parsed, media, None)

    def _ide(self, request: Request) -> Response:
        """GraphiQL for a browser in development; otherwise a GET needs a `query`."""
        wants_page = "text/html" in request.headers.get("accept", "")
        if wants_page and not self.runtime.settings.production:
            return self.ide.render()
        return error_response(400, "BAD_USER_INPUT", "A GET request needs a `query` parameter.")

    async def _execute(
        self, request: Request, parsed: dict[str, Any], media: str, keyed: KeyedUnit | None
    ) -> Response:
        """A registered query's kept answer when there is one (api/graphql/read_cache.py),
        else the document run."""
        cache = self.read_cache
        key = None
        if keyed is None:
            key = cache.key(
                parsed["query"],
                parsed.get("operationName"),
                parsed.get("variables"),
                media,
                request.state.actor,
            )
        if key is None:
            return (await self._run(request, parsed, media, keyed))[0]
        if "no-cache" not in (header(request.scope, b"cache-control") or ""):
            kept = cache.get(key)
            if kept is not None:
                self._cache_hits.inc()
                return Response(kept.body, media_type=kept.media_type)
        self._cache_misses.inc()
        epoch = cache.epoch
        response, clean = await self._run(request, parsed, media, keyed)
        if clean:
            cache.put(key, epoch, bytes(response.body), media)
        return response

    async def _run(
        self, request: Request, parsed: dict[str, Any], media: str, keyed: KeyedUnit | None
    ) -> tuple[Response, bool]:
        """The response, and whether it is a 200 without errors."""
        context = Context(
            request=request,
            runtime=self.runtime,
            actor=request.state.actor,
            request_id=request.state.request_id,
            keyed=keyed,
        )
        settings = self.runtime.settings
        try:
            async with asyncio.timeout(settings.execution_timeout_seconds):
                compiled = await self._compiled(context, parsed, keyed)
                if isinstance(compiled, bytes):  # data, no errors: those come from the executor
                    return Response(compiled, media_type=media), True
                result = compiled
                if result is None:
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
            ), False
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
            elif (wait := retry_after(errors)) is not None:
                status, headers = 429, {"Retry-After": str(wait)}
            elif media == over_http.GRAPHQL_RESPONSE and over_http.is_request_error(result):
                # The document never ran: no `data` entry at all, and a 4xx (the spec's rule
                # for this media type; application/json keeps the legacy 200).
                return ORJSONResponse(payload, status_code=400, media_type=media), False
        payload["data"] = result.data
        response = ORJSONResponse(payload, status_code=status, headers=headers, media_type=media)
        return response, not result.errors

    async def _compiled(
        self, context: Context, parsed: dict[str, Any], keyed: KeyedUnit | None
    ) -> Answer:
        """A registered document's compiled answer; None: the normal executor answers."""
        if keyed is not None or not self.trusted.is_registered(parsed["query"]):
            return None
        return await self.compiled.run(context, parsed)


def _names_a_document(request: Request) -> bool:
    """Does a GET's URL carry a document (`query`) or a trusted document's id?"""
    params = request.query_params
    return "query" in params or "documentId" in params


def _parse_request(
    body: bytes, settings: Settings, resolve: over_http.Resolve
) -> dict[str, Any] | Response:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return error_response(400, "BAD_USER_INPUT", "The body is not JSON.")
    if not isinstance(data, dict):
        return error_response(400, "BAD_USER_INPUT", "Send a JSON object with a string `query`.")
    data = resolve(data)  # a trusted document's id becomes its `query` (trusted_documents.py)
    if isinstance(data, Response):
        return data
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return error_response(400, "BAD_USER_INPUT", "`variables` must be an object.")
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        return error_response(400, "BAD_USER_INPUT", "`operationName` must be a string.")
    return request_checks.refuse(data, settings) or data


def _operation(parsed: dict[str, Any], settings: Settings) -> OperationType | None:
    # Parsed once per document and within the token limit (api/graphql/limits.py).
    return operation_type(parsed["query"], parsed.get("operationName"), settings.graphql_max_tokens)
