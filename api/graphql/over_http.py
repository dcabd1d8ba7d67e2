"""GraphQL over HTTP (the GraphQL Foundation's spec): media types, GET parameters, body type.

- Accept negotiation: `application/graphql-response+json` when the client asks for it (then a
  document that fails to parse or validate, or variables that do not fit, answer 4xx), else
  `application/json` with the legacy "always 200" behaviour; nothing acceptable: 406.
- GET carries `query`, `variables` and `extensions` (JSON) and `operationName` in the URL;
  only queries run over GET (a mutation gets 405, since GET must be safe).
- A POST body must be declared `application/json`; anything else is refused with 415.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import ExecutionResult
from starlette.datastructures import QueryParams
from starlette.responses import Response

from api.graphql import request_checks
from api.http import error_response

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
SUPPORTED = (GRAPHQL_RESPONSE, JSON)


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when nothing offered is acceptable.

    No Accept header keeps the legacy `application/json`; a wildcard does too. Between the two
    supported types the higher quality wins, `application/graphql-response+json` on a tie.
    """
    if not accept or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for entry in accept.split(","):
        kind, _, params = entry.strip().partition(";")
        kind = kind.strip().lower()
        quality = _quality(params)
        if quality <= 0:
            continue
        candidates: tuple[str, ...]
        if kind in SUPPORTED:
            candidates = (kind,)
        elif kind in ("*/*", "application/*"):
            candidates = (JSON,)
        else:
            continue
        for media in candidates:
            rank = (quality, 1 if media == GRAPHQL_RESPONSE else 0, media)
            if best is None or rank > best:
                best = rank
    return best[2] if best else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def not_acceptable() -> Response:
    return error_response(
        406,
        "BAD_USER_INPUT",
        f"Accept {GRAPHQL_RESPONSE} or {JSON}: no other response type is offered.",
    )


def unsupported_body(content_type: str | None) -> Response | None:
    """415 unless the POST body is declared JSON (`application/json`, any charset)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == JSON:
        return None
    said = f"`{media}`" if media else "no Content-Type"
    return error_response(
        415,
        "BAD_USER_INPUT",
        f"Send the GraphQL request as {JSON} (the body came with {said}).",
        {"Accept-Post": JSON},
    )


def params_from_url(params: QueryParams, max_tokens: int) -> dict[str, Any] | Response:
    """The GraphQL request a GET URL carries, or a 400 naming the parameter that is wrong."""
    query = params.get("query")
    if not query:
        return error_response(400, "BAD_USER_INPUT", "A GET request needs a `query` parameter.")
    request: dict[str, Any] = {"query": query}
    for name in ("variables", "extensions"):
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return error_response(400, "BAD_USER_INPUT", f"`{name}` must be a JSON object.")
        if value is not None and not isinstance(value, dict):
            return error_response(400, "BAD_USER_INPUT", f"`{name}` must be a JSON object.")
        request[name] = value
    name = params.get("operationName")
    if name:
        request["operationName"] = name
    return request_checks.refuse(request, max_tokens) or request


def mutation_over_get() -> Response:
    return error_response(
        405,
        "BAD_USER_INPUT",
        "Only queries run over GET; send mutations with POST.",
        {"Allow": "POST"},
    )


def is_request_error(result: ExecutionResult) -> bool:
    """Did the request fail before execution (parse, validation, variables)? Then no data.

    Errors raised while executing always carry a `path`; request errors never do.
    """
    return result.data is None and bool(result.errors) and all(not e.path for e in result.errors)
