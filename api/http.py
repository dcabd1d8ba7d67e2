"""Small HTTP helpers shared by the endpoints."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from domain.kernel.errors import DomainError, Forbidden, NotFound, Unauthenticated, Unavailable


class ORJSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


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


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than `limit` bytes without reading them all."""
    declared = request.headers.get("content-length")
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
