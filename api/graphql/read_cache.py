"""Responses of registered documents, kept for what portals poll, never stale past a commit.

What is kept: the response bytes of a *query* that is a trusted document (shipped or
registered, api/graphql/trusted_documents.py) and that selects no field carrying a secret,
answered 200 without errors. The key is the document, the operation name, the variables, the
response media type and the caller: the whole `Actor` (person, token and its scopes), so two
people never share an entry even with the same grants — some answers depend on who asks
(their shifts, their reviews), not only on what they may read.

When an entry goes: every write clears the whole cache.

- In this process, through SQLAlchemy's connection events on the runtime's engine: a
  statement that inserts, updates or deletes marks its pooled connection; when that connection
  goes back to the pool (after its commit or rollback) the cache is cleared. A unit of work
  returns its connection before its caller answers, so a read that follows a write is never
  served what was kept before it.
- Across processes (PostgreSQL): the writing transaction also sends `NOTIFY signalbox_data`,
  delivered on commit, never on rollback; every process LISTENs on one dedicated connection
  (the grant watcher's machinery) and clears its cache when a notification arrives. While that
  connection is down, or has not been confirmed within its lease, nothing is served from the
  cache (a notification may have been missed); after every reconnection the cache is cleared.
- SQLite serves one process: a command writing to the same file while a server runs (an
  import) is seen by the server's cache only once its entries expire.
- An entry also expires after `read_cache_seconds`: answers that move with the clock alone (a
  freeze starting, a review falling overdue) are at most that old. 0 turns the cache off.

A kept answer runs nothing, so it is not charged to the per-operation rate nor the cost budget
(api/rate_limits.py); the caller's request rate, authentication and the trusted-documents rule
apply to it as to any request, before it is looked up. A request with `Cache-Control: no-cache`
is answered fresh (and its answer kept). Memory is
bounded by `read_cache_bytes` (least recently used first); a single answer heavier than an
eighth of it is never kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import orjson
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    visit,
)

from domain.kernel.access import Actor

_SECRET_WORDS: Final = ("shown once", "shown this once")

Key = tuple[str, str | None, bytes, str, Actor]


@dataclass(frozen=True, slots=True)
class Kept:
    body: bytes
    media_type: str
    stored: float


def secret_fields(schema: GraphQLSchema) -> frozenset[tuple[str, str]]:
    """(type, field) pairs that carry a secret: a field named `secret`, or whose description
    says the value is shown once (tokens, signing secrets, feed URLs)."""
    found: set[tuple[str, str]] = set()
    for type_name, named in schema.type_map.items():
        fields = getattr(named, "fields", None)
        if type_name.startswith("__") or not isinstance(fields, dict):
            continue
        for field_name, definition in fields.items():
            described = (getattr(definition, "description", None) or "").lower()
            if field_name == "secret" or any(word in described for word in _SECRET_WORDS):
                found.add((type_name, field_name))
    return frozenset(found)


def cacheable(
    schema: GraphQLSchema, secrets: frozenset[tuple[str, str]], text: str, name: str | None
) -> bool:
    """Is operation `name` of `text` a query that selects no secret-bearing field?"""
    try:
        document = parse(text)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [op for op in operations if name is None or (op.name and op.name.value == name)]
    if len(chosen) != 1 and not (name is None and operations):
        return False
    if chosen[0].operation is not OperationType.QUERY:
        return False
    type_info = TypeInfo(schema)
    collector = _FieldCollector(type_info)
    visit(document, TypeInfoVisitor(type_info, collector))
    return not (collector.fields & secrets)


class _FieldCollector(Visitor):
    """Every (parent type, field) a document selects, fragments included."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.fields: set[tuple[str, str]] = set()

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        parent = self.type_info.get_parent_type()
        if parent is not None:
            self.fields.add((get_named_type(parent).name, node.name.value))


class ReadCache:
    """The kept responses of one process, and the rule for what may be kept."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        max_age: float,
        max_bytes: int,
        is_registered: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.max_bytes = max_bytes
        self._schema = schema
        self._secrets = secret_fields(schema)
        self._is_registered = is_registered
        self._clock = clock
        self._entries: OrderedDict[Key, Kept] = OrderedDict()
        self._bytes = 0
        self.epoch = 0
        """Bumped by every clear: an answer computed across a clear is not kept."""
        self.serving: Callable[[], bool] = lambda: True
        """Whether entries may be served now (PostgreSQL: the LISTEN connection is current)."""
        self.hits = 0
        self.misses = 0
        self._cacheable = lru_cache(maxsize=1024)(self._cacheable_uncached)

    @property
    def enabled(self) -> bool:
        return self.max_age > 0 and self.max_bytes > 0

    def key(
        self, query: str, name: str | None, variables: Any, media: str, actor: Actor
    ) -> Key | None:
        """The entry's key, or None when this request's answer is never kept."""
        if not self.enabled or not self._is_registered(query):
            return None
        if not self._cacheable(query, name):
            return None
        try:
            packed = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        return (query, name, packed, media, actor)

    def _cacheable_uncached(self, query: str, name: str | None) -> bool:
        return cacheable(self._schema, self._secrets, query, name)

    def get(self, key: Key) -> Kept | None:
        kept = self._entries.get(key)
        if kept is None or not self.serving():
            self.misses += 1
            return None
        if not 0 <= self._clock() - kept.stored < self.max_age:  # a clock set back: gone too
            self._drop(key)
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return kept

    def put(self, key: Key, epoch: int, body: bytes, media_type: str) -> bool:
        """Keep an answer computed since `epoch` was read; False when a write came between."""
        if epoch != self.epoch or len(body) > self.max_bytes // 8 or not self.serving():
            return False
        if key in self._entries:
            self._drop(key)
        self._entries[key] = Kept(body, media_type, self._clock())
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))
        return True

    def clear(self) -> None:
        self.epoch += 1
        self._entries.clear()
        self._bytes = 0

    def _drop(self, key: Key) -> None:
        kept = self._entries.pop(key)
        self._bytes -= len(kept.body)

    def __len__(self) -> int:
        return len(self._entries)
