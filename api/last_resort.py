"""The last resort: an error nothing else handled becomes a masked JSON 500 with the request id.

Starlette's own answer is `text/plain` "Internal Server Error"; clients parse every failure the
same way instead, and the request id lets an operator find the logged traceback. The message
never carries the exception's text (it may hold input or secrets).
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from api.http import error_response

log = logging.getLogger("signalbox.http")
CODE = "INTERNAL_SERVER_ERROR"


async def unexpected_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", None)
    log.error(
        "unexpected error while handling a request",
        exc_info=exc,
        extra={"request_id": request_id},
    )
    headers = {"x-request-id": request_id} if request_id else None
    return error_response(
        500,
        CODE,
        "Unexpected error; it has been logged with the request id.",
        headers,
        requestId=request_id,
    )
