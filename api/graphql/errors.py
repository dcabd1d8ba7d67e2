"""How failures reach clients as top-level coded errors (payload errors: user_errors.py)."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from graphql import GraphQLError

from api.db_budget import DatabaseBudgetExceeded
from api.last_resort import masked_error
from domain.kernel.errors import DomainError, Forbidden, Unauthenticated, Unavailable

log = logging.getLogger("signalbox.graphql")


class TopLevelCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    UNAVAILABLE = "UNAVAILABLE"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    # Cost and size limits (api/graphql/limits*.py); their extensions carry `limit` too.
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
    FIELD_REPEATED = "FIELD_REPEATED"
    TOO_MANY_DIRECTIVES = "TOO_MANY_DIRECTIVES"
    # Fairness (api/rate_limits.py): extensions carry `retryAfter`; over HTTP, 429.
    RATE_LIMITED = "RATE_LIMITED"
    DATABASE_BUDGET_EXCEEDED = "DATABASE_BUDGET_EXCEEDED"  # api/db_budget.py
    # Trusted documents (api/graphql/trusted_documents.py): an unknown id (400), an ad-hoc
    # document from a browser page where only registered ones may run (403).
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_REQUIRED = "PERSISTED_QUERY_REQUIRED"


TOP_LEVEL = (Forbidden, Unauthenticated, Unavailable)
"""Domain errors that are not the caller's input: they become top-level errors."""


def format_error(error: GraphQLError, request_id: str | None) -> dict[str, Any]:
    """A GraphQL error as JSON, with extensions.code; unexpected errors masked and logged."""
    original = error.original_error
    out: dict[str, Any] = {"message": error.message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = error.path
    if original is None:
        # Our own refusals (limits) carry more than a code: the limit, the cost, the field.
        extensions = dict(error.extensions or {})
        code = extensions.get("code") or TopLevelCode.GRAPHQL_VALIDATION_FAILED
        out["extensions"] = {**extensions, "code": str(code)}
    elif isinstance(original, GraphQLError):
        # Variables that do not fit their types (a required input field missing, say): the
        # caller's input, not our bug.
        out["extensions"] = {"code": str(TopLevelCode.BAD_USER_INPUT)}
    elif isinstance(original, DomainError):
        ext: dict[str, Any] = {"code": _top_code(original)}
        if original.field:
            ext["field"] = original.field
        if not isinstance(original, TOP_LEVEL) and _top_code(original) != str(original.code):
            ext["reason"] = str(original.code)
        out["message"] = original.message
        out["extensions"] = ext
    elif isinstance(original, DatabaseBudgetExceeded):
        out["message"] = str(original)
        out["extensions"] = {"code": original.code, "limit": original.limit_ms}
    else:
        out |= masked_error(original, request_id, "while executing GraphQL", log)
    return out


def _top_code(exc: DomainError) -> str:
    code = str(exc.code)
    if code in TopLevelCode.__members__:
        return code
    return TopLevelCode.BAD_USER_INPUT
