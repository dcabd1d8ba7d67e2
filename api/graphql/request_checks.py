"""Refusals of a GraphQL request before it runs: a document too long to read, input no store
can keep, an unknown operation.

The last two were 500s: graphql-core cannot say which kind of operation an unknown
`operationName` names, and PostgreSQL refuses a NUL that SQLite stores. Both are the caller's
input, so both answer 400 with a typed `BAD_USER_INPUT`, on every database alike.

A document longer than `graphql_max_document_chars` is refused (413) before anything reads
it: the token limit does not count comments, and graphql-core's lexer reads a comment one
character at a time in Python (a 900 KB comment held the event loop for 0.4 s, on every
request). The look at the operation names parses within the token limit, like every parse.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSyntaxError, StringValueNode, Visitor, parse
from graphql.language import DocumentNode, visit
from starlette.responses import Response

from api.graphql.limits import operation_names
from api.http import error_response
from api.settings import Settings
from api.text_input import CODE, first_unstorable, refusal_message, unstorable

_TEXTS = ("operationName", "variables", "extensions")
"""The request's members besides the document that may carry text."""


def refuse(parsed: dict[str, Any], settings: Settings) -> Response | None:
    """A 4xx for a request that must not run, or None to run it."""
    most = settings.graphql_max_document_chars
    if len(parsed["query"]) > most:
        return error_response(
            413,
            CODE,
            f"The document has {len(parsed['query'])} characters; at most {most}.",
            field="query",
            limit=most,
        )
    found = problem(parsed, settings.graphql_max_tokens)
    if found is None:
        return None
    where, message = found
    return error_response(400, CODE, message, field=where)


def problem(parsed: dict[str, Any], max_tokens: int) -> tuple[str, str] | None:
    """Why a request (over HTTP, or a WebSocket `subscribe` payload) must not run, as the
    field and the message of its BAD_USER_INPUT refusal; None to run it. The document is
    parsed within the token limit (past it, execution refuses it)."""
    carried = {k: v for k in _TEXTS if (v := parsed.get(k)) is not None}
    where = first_unstorable(carried, "") if carried else None
    if where is not None:
        return where, refusal_message(where)
    query: str = parsed["query"]
    name = parsed.get("operationName")
    # A literal can only carry a NUL as an escape (a raw control character does not parse).
    if "\\" in query:
        try:
            document = parse(query, max_tokens=max_tokens)
        except GraphQLSyntaxError:
            return None  # answered by the execution as the request error it is
        if _has_unstorable_literal(document):
            return "query", refusal_message("query")
    if name is None:
        return None
    # The operation names of a document text are kept (most clients name every operation).
    names = operation_names(query, max_tokens)
    if names is not None and name not in names:
        return "operationName", f"The document has no operation named `{name}`."
    return None


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if unstorable(node.value):
            self.found = True
            return Visitor.BREAK
        return None


def _has_unstorable_literal(document: DocumentNode) -> bool:
    literals = _Literals()
    visit(document, literals)
    return literals.found
