"""Compiled execution of registered (trusted) documents.

A registered document's operation is parsed and validated once and compiled into a plan
(`planner.py`) over the types and fields of `subset.py`: per selection level the batched read
it needs (the organization's read use cases, the same the normal resolvers' DataLoaders call,
so the caller's authorization scope applies in the statements as it does there) and the
renderers that write the response from the rows (orjson), without per-field resolver dispatch.
A document, or operation, with anything outside the subset is not compiled and runs on the
normal executor: decided once, when it is first asked for. At request time (`executor.py`)
every check that could refuse the request runs before the first read; a request the normal
executor would refuse runs there, so errors are always the normal executor's.

The endpoint (`api/graphql/endpoint.py`) asks it for registered documents only; ad-hoc
documents keep the normal executor. tests/api/test_compiled_differential.py proves the answers
equal the normal executor's.
"""

from api.graphql.compiled.executor import Answer, CompiledDocuments

__all__ = ["Answer", "CompiledDocuments"]
