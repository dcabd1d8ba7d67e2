"""GraphQL subscriptions: the Subscription type and its graphql-transport-ws transport on /graphql.

Protocol: `graphql-transport-ws` (the `graphql-ws` library's protocol) on the same path as
HTTP, `ws(s)://<host>/graphql`. Only subscriptions run over the socket; queries and mutations
go over HTTP POST, where the body limit, the Idempotency-Key and the execution deadline apply.

Authentication: browsers cannot set headers on a WebSocket, so the token travels in the
`connection_init` payload, `{"authorization": "Bearer <token>"}` or `{"token": "<token>"}`,
and is verified exactly like the HTTP `Authorization` header (JWT or `sbx_` API token). No
token or a bad one closes the socket with 4401 (Unauthorized). The caller is checked again
before every event, whenever this process learns that someone's access changed (a token
revoked, a person deactivated, a grant changed: `Broker.recheck_all`), and at least every
SIGNALBOX_WS_RECHECK_SECONDS: an expired or revoked token, or a deactivated person, ends the
subscription with UNAUTHENTICATED and closes the socket with 4401; a lost grant ends it with
NOT_FOUND. Subscribe variables holding text no store can keep (NUL, lone surrogates) are
refused with BAD_USER_INPUT like over HTTP (`api/graphql/request_checks.py`).

Origins: browsers apply no CORS to WebSockets and any page may open one, so the handshake's
`Origin` is checked: same-origin and clients that send no Origin (not browsers) are always
allowed; another origin must be listed in SIGNALBOX_CORS_ORIGINS (the HTTP CORS allowlist;
`*` allows all), else the handshake is refused (HTTP 403). Signalbox uses bearer tokens and no
cookies, so a foreign page could not act as a user anyway; the check keeps WebSockets to the
same origins as HTTP. Where pages may run only trusted documents (api/graphql/trusted_documents.py),
a page's subscription with any other document closes the socket with 4403.

Errors are formatted and masked as over HTTP (`extensions.code`; unexpected ones logged with
the connection's request id).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.utils.aio import aclosing

from api.graphql import request_checks
from api.graphql.context import Context, Info
from api.graphql.errors import TopLevelCode, format_error
from api.graphql.governance_board_types import GoNoGoSession
from api.graphql.loaders import DataLoaders
from api.graphql.relay import from_global_id
from api.graphql.trusted_documents import TrustedDocuments
from api.live import CHANGED, RECHECK, Feed, SubscriberDropped, go_no_go_topic
from api.observability import new_request_id
from api.text_input import CODE
from domain.governance.vocabulary import SessionStatus
from domain.kernel.access import Actor
from domain.kernel.errors import DomainError, NotFound, Unauthenticated, Unavailable

if TYPE_CHECKING:
    from api.runtime import Runtime

log = logging.getLogger("signalbox.graphql")
UNAUTHENTICATED = TopLevelCode.UNAUTHENTICATED.value

_LOADERS: ContextVar[DataLoaders | None] = ContextVar("signalbox_live_loaders", default=None)
"""Each operation runs in its own task: its loaders are its own, fresh for every event."""

NOBODY = Actor(person_id=None, username="", display_name="", subjects=(), via="websocket")
"""The actor until `connection_init` authenticates (it may do nothing; nothing runs before)."""


# -- the context -------------------------------------------------------------------------


@dataclass
class LiveContext(Context):
    """The context of one WebSocket connection, shared by its operations."""

    authorization: str | None = None
    connection_params: dict[str, Any] = field(default_factory=dict)

    @property
    def loaders(self) -> DataLoaders:
        loaders = _LOADERS.get()
        if loaders is None:
            loaders = DataLoaders.build(self.reader, self.runtime.clock)
            _LOADERS.set(loaders)
        return loaders

    async def refresh(self) -> None:
        """Before each event: check the token again and forget grants and rows read before."""
        self.actor = await self.runtime.authenticator.authenticate(self.authorization)
        self._scopes.clear()
        _LOADERS.set(None)


# -- the schema's root subscription type -------------------------------------------------


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A go/no-go session now, then again after every change: a vote cast or "
        "changed, the session closed and decided. Completes after the closed state. "
        "Over graphql-transport-ws only."
    )
    async def go_no_go_session_changed(
        self, info: Info, session_id: strawberry.ID
    ) -> AsyncGenerator[GoNoGoSession, None]:
        # Checked before the stream starts, so refusals are the protocol's `error` message
        # (and a plain error over HTTP).
        context = info.context
        if not isinstance(context, LiveContext):
            raise DomainError(
                "Subscriptions run over WebSocket (graphql-transport-ws) on this path."
            )
        uid = from_global_id(session_id, "GoNoGoSession", field="sessionId")
        await context.refresh()
        if await context.loaders.go_no_go_session.load(uid) is None:
            raise NotFound("Go/no-go session was not found.", field="sessionId")
        return _session_changes(context, uid)


async def _session_changes(
    context: LiveContext, uid: uuid.UUID
) -> AsyncGenerator[GoNoGoSession, None]:
    # Subscribe before the first read, so a change between the two is not missed.
    recheck = context.runtime.settings.ws_recheck_seconds
    with context.runtime.live.broker.subscribe(go_no_go_topic(uid)) as feed:
        signal = CHANGED
        while True:
            # The caller is checked again before anything is sent: a revoked token or a
            # deactivated person ends it with UNAUTHENTICATED (the socket closes with 4401),
            # a lost grant with NOT_FOUND.
            await context.refresh()
            row = await context.loaders.go_no_go_session.load(uid)
            if row is None:  # no longer yours to see
                raise NotFound("Go/no-go session was not found.", field="sessionId")
            if signal != RECHECK:
                yield GoNoGoSession.from_row(row)
                if SessionStatus(row.status) is SessionStatus.CLOSED:
                    return
            signal = await _next_signal(feed, recheck)


async def _next_signal(feed: Feed, recheck_seconds: float) -> str:
    """The next signal, or RECHECK when none came for `recheck_seconds` (a missed revocation
    notice is caught within that bound)."""
    try:
        async with asyncio.timeout(recheck_seconds):
            return await feed.next()
    except TimeoutError:
        return RECHECK
    except SubscriberDropped:
        raise Unavailable(
            "This subscription fell behind the updates and was dropped; subscribe again."
        ) from None


# -- the transport -------------------------------------------------------------------------


class _Masked(GraphQLError):
    """An error that renders as `format_error` made it (codes, masking), keeping its cause."""

    def __init__(self, error: GraphQLError, formatted: dict[str, Any]) -> None:
        super().__init__(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=error.original_error,
            extensions=error.extensions,
        )
        self._as_json = formatted

    @property
    def formatted(self) -> Any:  # graphql-core's GraphQLFormattedError, a TypedDict
        return self._as_json


class _SubscriptionsOnly:
    """The schema as the socket sees it: subscriptions only, and errors as over HTTP."""

    def __init__(self, schema: strawberry.Schema, runtime: Runtime) -> None:
        self._schema = schema
        self._runtime = runtime

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        **_: Any,
    ) -> AsyncIterator[Any]:
        source = await self._schema.stream(
            query,
            variable_values=variable_values,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            allowed_operation_types=(OperationType.SUBSCRIPTION,),
        )
        return self._masked(source, getattr(context_value, "request_id", None))

    async def _masked(self, source: Any, request_id: str | None) -> AsyncIterator[Any]:
        async with aclosing(source):
            async for result in source:
                if isinstance(result, ExecutionResult) and result.errors:
                    result.errors = self._mask(result, request_id)
                yield result

    def _mask(self, result: ExecutionResult, request_id: str | None) -> list[GraphQLError]:
        errors = list(result.errors or [])
        # Left as they are, these make the handler close the socket with 4400, as it should.
        first = errors[0]
        if isinstance(result, PreExecutionError) and (
            isinstance(first, GraphQLSyntaxError)
            or isinstance(first.original_error, CannotGetOperationTypeError)
        ):
            return errors
        masked: list[GraphQLError] = []
        for error in errors:
            formatted: dict[str, Any]
            if isinstance(error.original_error, InvalidOperationTypeError):
                formatted = {
                    "message": "Only subscriptions run over the WebSocket; "
                    "send queries and mutations with POST /graphql.",
                    "extensions": {"code": TopLevelCode.BAD_USER_INPUT.value},
                }
            else:
                formatted = format_error(error, request_id)
            self._runtime.metrics.graphql_errors.labels(formatted["extensions"]["code"]).inc()
            masked.append(_Masked(error, formatted))
        return masked


class _TransportHandler(BaseGraphQLTransportWSHandler[LiveContext, None]):
    """graphql-transport-ws with Signalbox's authentication in `connection_init`."""

    _revoked = False
    """Set once the caller was refused mid-connection and the socket closed with 4401."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if isinstance(payload, Mapping) and not self.connection_init_received:
            authorization = _authorization(payload)
            runtime = self.context.runtime
            try:
                self.context.actor = await runtime.authenticator.authenticate(authorization)
            except Unauthenticated as exc:
                log.info("websocket refused: %s", exc.message)
                await self.websocket.close(code=4401, reason="Unauthorized")
                return
            except Unavailable:
                runtime.metrics.db_unavailable.inc()
                await self.websocket.close(code=1013, reason="Try again later")
                return
            self.context.authorization = authorization
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        query = payload.get("query") if isinstance(payload, Mapping) else None
        if not isinstance(query, str):
            await self.handle_invalid_message("Failed to parse message")  # 4400
            return
        settings = self.context.runtime.settings
        if len(query.encode()) > settings.max_body_bytes:
            reason = f"The query exceeds {settings.max_body_bytes} bytes"
            await self.websocket.close(code=4400, reason=reason)
            return
        ready = self.connection_acknowledged and message["id"] not in self.operations
        refused = ready and request_checks.problem(dict(payload), settings.graphql_max_tokens)
        if refused:
            # As over HTTP: the operation is refused with a typed error, the socket stays.
            where, why = refused
            error = {"message": why, "extensions": {"code": CODE, "field": where}}
            self.context.runtime.metrics.graphql_errors.labels(CODE).inc()
            await self.send_message({"id": message["id"], "type": "error", "payload": [error]})
            return
        trusted: TrustedDocuments = self.view.trusted  # type: ignore[attr-defined]
        await trusted.refresh()
        if trusted.refusal(self.context.request, query) is not None:
            await self.websocket.close(code=4403, reason="PERSISTED_QUERY_REQUIRED")
            return
        await super().handle_subscribe(message)

    async def send_message(self, message: Message) -> None:
        if self._revoked:
            return  # the socket is closed: nothing more goes out on it
        await super().send_message(message)
        if _unauthenticated(message):
            # The connection's credentials no longer hold: every operation on it ends.
            self._revoked = True
            await self.websocket.close(code=4401, reason="Unauthorized")


def _unauthenticated(message: Message) -> bool:
    """A `next` or `error` message that ends an operation because its caller was refused."""
    payload: Any = message.get("payload")
    if message["type"] == "next" and isinstance(payload, dict):
        payload = payload.get("errors")
    if message["type"] not in ("next", "error") or not isinstance(payload, list):
        return False
    return any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == UNAUTHENTICATED
        for e in payload
    )


def _authorization(payload: Mapping[str, Any]) -> str | None:
    """`authorization: Bearer <t>` (any case of the key) or `token: <t>` from the payload."""
    for key, value in payload.items():
        if isinstance(key, str) and key.lower() == "authorization" and isinstance(value, str):
            return value
    token = payload.get("token")
    if isinstance(token, str) and token:
        return f"Bearer {token}"
    return None


class WebSocketTransport(GraphQL[LiveContext, None]):
    """The ASGI app for WebSocket connections to /graphql (HTTP stays with GraphQLEndpoint)."""

    graphql_transport_ws_handler_class = _TransportHandler

    def __init__(
        self, runtime: Runtime, schema: strawberry.Schema, trusted: TrustedDocuments
    ) -> None:
        settings = runtime.settings
        super().__init__(
            _SubscriptionsOnly(schema, runtime),  # type: ignore[arg-type]
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(
                seconds=settings.ws_connection_init_timeout_seconds
            ),
            max_subscriptions_per_connection=settings.ws_max_subscriptions_per_connection,
        )
        self.runtime = runtime
        self.trusted = trusted  # pages subscribe with registered documents only, if enforced
        self._any_origin = "*" in settings.cors_origins
        self._origins = frozenset(_origin(o) for o in settings.cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":  # HTTP is GraphQLEndpoint's
            raise RuntimeError("WebSocketTransport serves WebSocket connections only.")
        await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Any) -> LiveContext:
        return LiveContext(
            request=request,  # type: ignore[arg-type]  # a WebSocket: same connection API
            runtime=self.runtime,
            actor=NOBODY,
            request_id=new_request_id(None),
        )

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        """Cross-origin handshakes: only from the CORS allowlist (exact, like HTTP CORS)."""
        return self._any_origin or _origin(origin) in self._origins


def _origin(value: str) -> str:
    """Origins compare without a trailing slash and case-insensitively (scheme and host)."""
    return value.strip().rstrip("/").lower()
