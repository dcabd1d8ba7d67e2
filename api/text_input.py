"""Text no store can keep, refused at the edge with a typed BAD_USER_INPUT on every database.

PostgreSQL refuses NUL in `text` and `jsonb` (SQLite keeps it), and a lone surrogate is not
UTF-8 at all; letting either reach the database made the answer depend on the store (a 500 on
PostgreSQL, a stored value on SQLite). Every entry point refuses it here instead: the GraphQL
request (variables, string literals, the operation name: `api/graphql/request_checks.py`) and
the path and query string of every HTTP request (`TextInputGuard`, for the machine endpoints).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http import error_response

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
CODE = "BAD_USER_INPUT"


def unstorable(text: str) -> bool:
    """Does `text` hold a NUL or a lone surrogate, which no store takes as text?"""
    return _UNSTORABLE.search(text) is not None


def first_unstorable(value: object, path: str) -> str | None:
    """The path of the first string in a JSON value (keys included) that no store takes."""
    if isinstance(value, str):
        return path if unstorable(value) else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and unstorable(key):
                return where
            found = first_unstorable(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = first_unstorable(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def refusal_message(where: str) -> str:
    return f"`{where}` holds a NUL character or a lone surrogate, which text may not contain."


class TextInputGuard:
    """Pure ASGI: a path or query parameter (name or value) holding unstorable text is a 400."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        where = _unstorable_in_url(scope) if scope["type"] == "http" else None
        if where is None:
            await self.app(scope, receive, send)
            return
        response = error_response(400, CODE, refusal_message(where), field=where)
        await response(scope, receive, send)


def _unstorable_in_url(scope: Scope) -> str | None:
    if unstorable(scope.get("path", "")):
        return "path"
    raw = scope.get("query_string", b"")
    if not raw:
        return None  # most requests (every POST /graphql) have no query string
    params = QueryParams(raw)
    for name, value in params.multi_items():
        if unstorable(name):
            return "query string"
        if unstorable(value):
            return name
    return None
