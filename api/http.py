"""Small HTTP helpers shared by the endpoints, and the last word on a database out of reach."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from api.db_budget import DatabaseBudgetExceeded
from domain.kernel.errors import DomainError, Forbidden, NotFound, Unauthenticated, Unavailable

RETRY_AFTER = {"Retry-After": "2"}


class ORJSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def csv_download(text: str, filename: str) -> Response:
    """A CSV table as a download named `filename`, never cached (the exports of the insights and
    the ledger)."""
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "cache-control": "no-store",
            "content-disposition": f'attachment; filename="{filename}"',
        },
    )


def error_response(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> ORJSONResponse:
    """A GraphQL-shaped error body, so clients parse every failure the same way."""
    return ORJSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]},
        status_code=status,
        headers=headers,
    )


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name` (lowercase), without building a Headers object (whose
    `get` raises and catches a KeyError for every header a request does not carry)."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")  # type: ignore[no-any-return]
    return None


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than `limit` bytes without reading them all."""
    declared = header(request.scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


_DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    Unavailable: 503,
}


def domain_refusal(
    exc: DomainError, extra: dict[type[DomainError], int] | None = None, **extensions: Any
) -> Response:
    """A domain refusal as an HTTP error: 404/403/401/503 by kind, else 400, with its code."""
    table = {**(extra or {}), **_DOMAIN_STATUS}
    status = next((s for t, s in table.items() if isinstance(exc, t)), 400)
    headers = {"retry-after": "1"} if status == 503 else None
    return error_response(status, str(exc.code), exc.message, headers, **extensions)


OUT_OF_REACH = "The database is not reachable right now; retry shortly."


def unavailable(message: str = OUT_OF_REACH) -> Response:
    """The one retryable answer to a database out of reach: 503 UNAVAILABLE, Retry-After."""
    return error_response(503, "UNAVAILABLE", message, RETRY_AFTER)


async def _on_unavailable(request: Request, exc: Exception) -> Response:
    count_outage(request)
    return unavailable(exc.message if isinstance(exc, Unavailable) else OUT_OF_REACH)


def count_outage(request: Request) -> None:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is not None:
        runtime.metrics.db_unavailable.inc()


async def _on_budget_spent(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DatabaseBudgetExceeded)
    return error_response(503, exc.code, str(exc), limit=exc.limit_ms)


EXCEPTION_HANDLERS = {
    Unavailable: _on_unavailable,
    DatabaseBudgetExceeded: _on_budget_spent,
}
"""For the Starlette app: a database out of reach anywhere an endpoint did not answer it (other
database errors and anything else: the masked 500 of `api.last_resort.HANDLERS`)."""
