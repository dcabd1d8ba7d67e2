"""Parsed documents and their validation, kept once per document text within a byte budget.

A count of entries does not bound memory: a document within the body and token limits can
hold megabytes once parsed (every token is an object linked to the next, so one node's
location keeps them all; a comment's or a string's text is copied into its token; the source
text stays for error locations), so strawberry's `ParserCache(maxsize=512)` and an
`lru_cache` of validation over the same documents could hold gigabytes that one caller fills
with varied documents. Here each entry is weighed (`weigh`, an upper estimate that
`tests/api/test_document_cache.py` checks against what `tracemalloc` sees) and the least
recently used entries are dropped once they pass `graphql_cache_bytes` together; a document
heavier than an eighth of the budget is parsed and validated each time, never kept.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, ValidationRule, parse
from strawberry.extensions import SchemaExtension

TOKEN_BYTES = 700
"""Per token, beside its text: the token and its share of the syntax tree. Measured at most
about 620 bytes (a document of 4,900 field names), about 400 for aliased fields."""
ERROR_BYTES = 4096
"""Per kept validation error: its message, locations and path."""

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

    def parse(self, text: str, options: dict[str, Any]) -> DocumentNode:
        key = _key(text, options)
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            return entry.document
        document = parse(text, **options)
        weight = weigh(document)
        if weight <= self.budget // 8:
            self.entries[key] = Entry(document, weight)
            self.bytes += weight
            self._trim()
        return document

    def validation(
        self,
        text: str,
        options: dict[str, Any],
        document: DocumentNode,
        rules: Rules,
        validate: Callable[[], list[GraphQLError]],
    ) -> list[GraphQLError]:
        """The document's errors under `rules`: kept with its entry, when it has one."""
        key = _key(text, options)
        entry = self.entries.get(key)
        if entry is None or entry.document is not document:
            return validate()
        errors = entry.validations.get(rules)
        if errors is None:
            errors = entry.validations[rules] = validate()
            entry.weight += ERROR_BYTES * len(errors)
            self.bytes += ERROR_BYTES * len(errors)
            self._trim()
        return errors

    def _trim(self) -> None:
        while self.entries and (self.bytes > self.budget or len(self.entries) > self.most):
            _, dropped = self.entries.popitem(last=False)
            self.bytes -= dropped.weight


def _key(text: str, options: dict[str, Any]) -> Key:
    return (text, tuple(sorted(options.items())))


class CachedParse(SchemaExtension):
    """Replaces strawberry's ParserCache: documents parsed once per text, within the budget."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        # On a syntax error strawberry parses it again and answers it its own way.
        with suppress(GraphQLError):
            if context.query:
                context.graphql_document = self.cache.parse(context.query, context.parse_options)
        yield
