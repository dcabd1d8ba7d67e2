"""The last resort: an error nothing else handled becomes a masked JSON 500 with the request id.

Starlette's own answer is `text/plain` "Internal Server Error"; clients parse every failure the
same way instead, and the request id lets an operator find the logged traceback. The message
never carries the exception's text (it may hold input or secrets). The one masked answer is
built here for every path: a database error no endpoint answered (an outage is the retryable
503 instead), any other exception, and an unexpected error inside a GraphQL execution
(`api/graphql/errors.py`).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response

from api.http import EXCEPTION_HANDLERS, ORJSONResponse, count_outage, unavailable
from domain.kernel.db import is_outage

log = logging.getLogger("signalbox.http")
CODE = "INTERNAL_SERVER_ERROR"
MESSAGE = "Unexpected error; it has been logged with the request id."


def masked_error(
    exc: BaseException, request_id: str | None, where: str, logger: logging.Logger = log
) -> dict[str, Any]:
    """Log `exc` with the request id and return the error entry a client sees instead."""
    logger.error("unexpected error %s", where, exc_info=exc, extra={"request_id": request_id})
    return {"message": MESSAGE, "extensions": {"code": CODE, "requestId": request_id}}


def masked_500(request: Request, exc: BaseException) -> Response:
    request_id = getattr(request.state, "request_id", None)
    error = masked_error(exc, request_id, "while handling a request")
    return ORJSONResponse({"errors": [error]}, status_code=500)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    # Answered outside every middleware (Starlette's ServerErrorMiddleware), so the request id
    # header the request-context middleware adds is set here.
    response = masked_500(request, exc)
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        response.headers["x-request-id"] = request_id
    return response


async def database_error(request: Request, exc: Exception) -> Response:
    """A database error no endpoint handled: UNAVAILABLE when the database is out of reach,
    else the masked 500 (never a plain-text 500)."""
    if is_outage(exc):
        count_outage(request)
        return unavailable()
    return masked_500(request, exc)


HANDLERS = {**EXCEPTION_HANDLERS, DBAPIError: database_error, Exception: unexpected_error}
"""For the Starlette app: refusals and outages (api.http), database errors, then anything."""
