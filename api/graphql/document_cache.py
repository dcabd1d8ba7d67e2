"""Parsed documents and their validation, kept once per document text within a byte budget.

A count of entries does not bound memory: a document within the body and token limits can
hold megabytes once parsed (every token is an object linked to the next, so one node's
location keeps them all; a comment's or a string's text is copied into its token; the source
text stays for error locations), so strawberry's `ParserCache(maxsize=512)` and an
`lru_cache` of validation over the same documents could hold gigabytes that one caller fills
with varied documents. Here each entry is weighed (`weigh`, an upper estimate that
`tests/api/test_document_cache.py` checks against what `tracemalloc` sees) and the least
recently used entries are dropped once they pass `graphql_cache_bytes` together; a document
heavier than an eighth of the budget is parsed and validated each time, never kept. Long
documents are parsed and validated off the event loop (`DocumentLane`).
"""

from __future__ import annotations

import asyncio
import sys
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from graphql import DocumentNode, GraphQLError, ValidationRule, parse
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

TOKEN_BYTES = 700
"""Per token, beside its text: the token and its share of the syntax tree. Measured at most
about 620 bytes (a document of 4,900 field names), about 400 for aliased fields."""
ERROR_BYTES = 4096
"""Per kept validation error: its message, locations and path."""

INLINE_CHARS = 2_048
"""Documents up to this long are parsed and validated on the event loop: well under a
millisecond for a light query, less than a thread hand-off."""

T = TypeVar("T")
Key = tuple[str, tuple[tuple[str, Any], ...]]
Rules = tuple[type[ValidationRule], ...]


def weigh(document: DocumentNode) -> int:
    """An upper estimate of the bytes a parsed document holds, its source text included."""
    loc = document.loc
    if loc is None:
        return TOKEN_BYTES
    size = sys.getsizeof(loc.source.body)
    token = loc.start_token
    while token is not None:
        size += TOKEN_BYTES + (sys.getsizeof(token.value) if token.value else 0)
        token = token.next
    return size


@dataclass
class Entry:
    document: DocumentNode
    weight: int
    validations: dict[Rules, list[GraphQLError]] = field(default_factory=dict)


class DocumentCache:
    """Documents by (text, parse options) and each one's validation by rules, least recently
    used dropped past `budget` bytes or `most` entries."""

    def __init__(self, budget: int, most: int) -> None:
        self.budget = budget
        self.most = most
        self.bytes = 0
        self.entries: OrderedDict[Key, Entry] = OrderedDict()

    def document(self, text: str, options: dict[str, Any]) -> DocumentNode | None:
        """The kept document of `text`, or None."""
        key = _key(text, options)
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.entries.move_to_end(key)
        return entry.document

    def keep(self, text: str, options: dict[str, Any], document: DocumentNode) -> None:
        """Keep `document` as the parse of `text`, unless it is too heavy."""
        weight = weigh(document)
        if weight <= self.budget // 8:
            self.entries[_key(text, options)] = Entry(document, weight)
            self.bytes += weight
            self._trim()

    def validation(
        self, text: str, options: dict[str, Any], document: DocumentNode, rules: Rules
    ) -> list[GraphQLError] | None:
        """The kept errors of `document` under `rules`, or None."""
        entry = self.entries.get(_key(text, options))
        if entry is None or entry.document is not document:
            return None
        return entry.validations.get(rules)

    def keep_validation(
        self,
        text: str,
        options: dict[str, Any],
        document: DocumentNode,
        rules: Rules,
        errors: list[GraphQLError],
    ) -> None:
        """Keep `errors` with the document's entry, when it has one."""
        entry = self.entries.get(_key(text, options))
        if entry is None or entry.document is not document or rules in entry.validations:
            return
        entry.validations[rules] = errors
        entry.weight += ERROR_BYTES * len(errors)
        self.bytes += ERROR_BYTES * len(errors)
        self._trim()

    def _trim(self) -> None:
        while self.entries and (self.bytes > self.budget or len(self.entries) > self.most):
            _, dropped = self.entries.popitem(last=False)
            self.bytes -= dropped.weight


def _key(text: str, options: dict[str, Any]) -> Key:
    return (text, tuple(sorted(options.items())))


class DocumentLane:
    """Where documents are parsed and validated: a short one on the event loop, a longer one
    in one thread of its own, a document at a time.

    Parsing and validating a document at the token limit takes 0.1 to 0.5 s of CPU; on the
    event loop, one caller sending such documents back to back held every other request and
    `/healthz` for seconds. In the thread it holds the interpreter at most a switch interval
    (5 ms) at a time, so the loop keeps answering. The request still waits for its document,
    and its deadline (`execution_timeout_seconds`) answers 504 while the thread finishes the
    document (bounded by the token limit): a thread cannot be stopped midway.
    """

    def __init__(self, inline_chars: int = INLINE_CHARS) -> None:
        self.inline_chars = inline_chars
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, text: str, work: Callable[[], T]) -> T:
        if len(text) <= self.inline_chars:
            return work()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="graphql-documents")
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)


class CachedParse(SchemaExtension):
    """Replaces strawberry's ParserCache: documents parsed once per text, within the budget,
    long ones off the event loop."""

    def __init__(self, cache: DocumentCache, lane: DocumentLane, max_chars: int) -> None:
        self.cache = cache
        self.lane = lane
        self.max_chars = max_chars

    async def on_parse(self) -> AsyncIterator[None]:
        await self.parse(self.execution_context)
        yield

    async def parse(self, context: ExecutionContext) -> None:
        """Put the parsed document of `context.query` in `context` (kept, or parsed now)."""
        text, options = context.query, context.parse_options
        if text and len(text) > self.max_chars:
            # Over HTTP, request_checks refuses it first (413); this holds every transport.
            raise GraphQLError(
                f"The document has {len(text)} characters; at most {self.max_chars}.",
                extensions={"code": "BAD_USER_INPUT", "field": "query", "limit": self.max_chars},
            )
        if text:
            document = self.cache.document(text, options)
            if document is None:
                # A syntax error propagates: strawberry answers it as the request error it is.
                document = await self.lane.run(text, partial(parse, text, **options))
                self.cache.keep(text, options, document)
            context.graphql_document = document
