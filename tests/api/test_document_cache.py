"""Parsed documents and their validation are kept within a byte budget, not only a count
(api/graphql/document_cache.py), and nothing reads a document past the transport's bounds
(api/graphql/request_checks.py)."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from graphql import DocumentNode, parse, validate

from api.graphql import request_checks
from api.graphql.document_cache import ERROR_BYTES, DocumentCache, DocumentLane, weigh
from api.graphql.schema import build_schema
from api.settings import Settings
from tests.api.conftest import Api

MIB = 1024 * 1024
TOKENS = 5_000


def distinct_names(n: int, fields: int = 4_900) -> str:
    """Every field a new name (near the token limit by default): the heaviest to keep."""
    return "{ " + " ".join(f"f{n}x{i}" for i in range(fields)) + " }"


def repeated_field(n: int) -> str:
    """A field 1,200 times in one selection set: refused by the limit pass, cheaply."""
    return f"query Q{n} {{ businessUnits {{ nodes {{ {'key ' * 1_200} }} }} }}"


SHAPES: dict[str, str] = {
    "distinct names": distinct_names(0),
    "aliases": "{ " + " ".join(f"a{i}: key" for i in range(1_600)) + " }",
    "a long comment": f"# {'x' * 900_000}\n{{ about {{ name }} }}",
    "a long string": f'{{ team(key: "{"y" * 900_000}") {{ key }} }}',
    "a wide-character comment": f"# {'€' * 300_000}\n{{ about {{ name }} }}",
    "nested": "{ teams(first: 5) { nodes { key services(first: 5) { nodes { key } } } } }",
}


def allocated(make: Callable[[], Any]) -> tuple[Any, int]:
    """What `make` returns, and the bytes it left allocated (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        gc.collect()
        return made, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


class TestTheWeightOfADocument:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_is_at_least_what_parsing_it_holds(self, shape: str) -> None:
        text = SHAPES[shape]
        document, held = allocated(lambda: parse(text, max_tokens=TOKENS))
        # The source text was allocated before; its weight counts it too.
        assert weigh(document) >= held + len(text), (held, weigh(document))

    def test_is_not_far_above_it(self) -> None:
        text = distinct_names(1)
        document, held = allocated(lambda: parse(text, max_tokens=TOKENS))
        assert weigh(document) <= 3 * (held + len(text)), (held, weigh(document))


def parsed(cache: DocumentCache, text: str) -> DocumentNode:
    """The kept document of `text`, or a new parse of it kept."""
    options = {"max_tokens": TOKENS}
    found = cache.document(text, options)
    if found is None:
        found = parse(text, **options)
        cache.keep(text, options, found)
    return found


class TestTheCache:
    def test_varied_heavy_documents_stay_within_the_budget(self) -> None:
        cache = DocumentCache(budget=32 * MIB, most=512)
        for n in range(20):  # about 3.7 MiB each
            parsed(cache, distinct_names(n))
            assert cache.bytes <= 32 * MIB
        assert 0 < len(cache.entries) < 20
        assert cache.bytes == sum(e.weight for e in cache.entries.values())

    def test_the_same_text_is_parsed_once_and_the_least_recent_goes_first(self) -> None:
        cache = DocumentCache(budget=16 * MIB, most=2)
        first = parsed(cache, "{ a }")
        parsed(cache, "{ b }")
        assert parsed(cache, "{ a }") is first
        parsed(cache, "{ c }")  # drops `{ b }`, the least recently used
        assert [key[0] for key in cache.entries] == ["{ a }", "{ c }"]

    def test_a_document_heavier_than_an_eighth_of_the_budget_is_never_kept(self) -> None:
        cache = DocumentCache(budget=8 * MIB, most=512)
        text = SHAPES["a long comment"]
        assert parsed(cache, text) is not parsed(cache, text)
        assert cache.entries == {} and cache.bytes == 0

    def test_a_validation_is_kept_with_its_document_and_counted(self) -> None:
        cache = DocumentCache(budget=16 * MIB, most=512)
        document = parsed(cache, "{ a }")
        weight = cache.bytes
        options = {"max_tokens": TOKENS}
        assert cache.validation("{ a }", options, document, ()) is None
        errors = validate(build_schema()._schema, document)
        cache.keep_validation("{ a }", options, document, (), errors)
        assert cache.validation("{ a }", options, document, ()) is errors
        assert cache.bytes == weight + ERROR_BYTES * len(errors) > weight
        elsewhere = parse("{ a }")  # not the kept document: its validation is not kept
        cache.keep_validation("{ a }", options, elsewhere, (), [])
        assert cache.validation("{ a }", options, elsewhere, ()) is None


class TestTheLane:
    async def test_a_long_document_is_worked_on_off_the_event_loop(self) -> None:
        lane = DocumentLane(inline_chars=100)
        here = threading.current_thread()
        short = await lane.run("{ a }", threading.current_thread)
        long = await lane.run("{ a }" + " " * 100, threading.current_thread)
        assert short is here and long is not here
        assert long.name.startswith("graphql-documents")


class TestOneCallersVariedDocuments:
    async def test_leave_the_schema_holding_at_most_its_budget(self) -> None:
        budget = 8 * MIB  # an eighth of it holds one of these documents
        schema = build_schema(Settings(graphql_cache_bytes=budget))

        async def flood() -> None:
            for n in range(24):  # about 22 MiB of parsed documents, each refused by validation
                result = await schema.execute(repeated_field(n))
                assert result.errors, n

        await schema.execute("{ __typename }")  # the schema's own first-use allocations
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            await flood()
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert held <= budget + 3 * MIB, held / MIB


class TestTheTransportsBounds:
    def test_a_document_longer_than_the_limit_is_refused_unread(self) -> None:
        settings = Settings(graphql_max_document_chars=1_000)
        refused = request_checks.refuse({"query": "{ about { name } }" + " " * 1_000}, settings)
        assert refused is not None and refused.status_code == 413
        assert b'"limit":1000' in refused.body and b'"field":"query"' in refused.body

    def test_the_look_at_operation_names_stops_at_the_token_limit(self) -> None:
        document = "query A { " + "a " * 100_000 + "}"
        request = {"query": document, "operationName": "A"}
        settings = Settings(graphql_max_document_chars=len(document))
        gc.collect()
        tracemalloc.start()
        try:
            assert request_checks.refuse(request, settings) is None  # the execution answers it
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        # The whole parse of 100,000 tokens holds about 50 MiB; stopped at 5,000, a few.
        assert peak < 8 * MIB, peak / MIB

    async def test_over_http_a_long_document_is_413_bad_user_input(self, api: Api) -> None:
        most = api.runtime.settings.graphql_max_document_chars
        response = await api.post(f"# {'x' * most}\n{{ about {{ name }} }}", as_user="viewer")
        assert response.status_code == 413
        error = response.json()["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "query", "limit": most}
