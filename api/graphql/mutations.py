"""Running a mutation: one unit of work, one commit; domain refusals become payload errors.

The usual mutations are declared (`Payloads.mutation`, `Payloads.by_id`) rather than each
written as a resolver of its own.

A request sent with an Idempotency-Key runs in one `KeyedUnit` instead: each of its mutations
in a savepoint, the key's claim and answer in the same transaction, one commit for them all
(`api/graphql/idempotent.py` drives it)."""

from __future__ import annotations

import asyncio
import inspect
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, get_type_hints

import strawberry

from api.graphql.context import Info
from api.graphql.errors import TOP_LEVEL
from api.graphql.relay import FromRow, from_global_id
from api.graphql.user_errors import ErrorContext, UserError, user_errors
from domain.kernel.db import unavailable_on_outage
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

R = TypeVar("R")
P = TypeVar("P")
C = TypeVar("C")


@dataclass(frozen=True)
class MutationRunner:
    """The runner of one context's mutations: its refusals become that context's errors.

    `committed` runs after each successful commit (a cache to drop, say)."""

    errors: ErrorContext
    committed: Callable[[Info], None] | None = None

    async def __call__(
        self, info: Info, use_case: Callable[[UnitOfWork], Awaitable[R]]
    ) -> tuple[R | None, list[UserError]]:
        """Run `use_case` in a fresh unit of work and commit once; a refusal becomes payload
        errors, one per problem it names."""
        keyed = info.context.keyed
        try:
            if keyed is None:
                result = await _alone(info, use_case)
            else:
                result = await keyed.run(use_case)
        except TOP_LEVEL:
            raise
        except DomainError as exc:
            return None, user_errors(exc, self.errors)
        if self.committed is not None:
            committed, the_info = self.committed, info
            if keyed is None:
                committed(the_info)
            else:
                keyed.on_commit(lambda: committed(the_info))
        return result, []

    def into(self, payload: Callable[..., P], **node: FromRow[Any]) -> NodePayload[P]:
        """Mutations answering with `payload`, whose one node field (`node`: field=type) gets
        the use case's result (null when refused) beside the errors."""
        ((field, type_),) = node.items()
        return NodePayload(self, payload, field, type_)

    def answering(
        self, payload: Callable[..., P], answer: Callable[[Any, list[UserError]], P]
    ) -> AnsweredPayload[P]:
        """Mutations answering with `payload`, made by `answer(result, errors)` (the result is
        None when refused)."""
        return AnsweredPayload(self, payload, answer)


async def _alone(info: Info, use_case: Callable[[UnitOfWork], Awaitable[R]]) -> R:
    """A mutation in a unit of work of its own; the database out of reach, at any statement
    (not only the commit), is the one retryable UNAVAILABLE."""
    async with unavailable_on_outage(), info.context.uow() as uow:
        result = await use_case(uow)
        await _commit(uow)
    return result


async def _commit(uow: UnitOfWork) -> None:
    await uow.commit()


@dataclass
class KeyedUnit:
    """The one unit of work of a request sent with an Idempotency-Key.

    Every mutation of the document runs in a savepoint of it (a refusal undoes only its own
    writes), reads of the request go through its session so the answer shows its writes, and
    the key's claim and answer are written in it: `commit` makes the effects and the answer
    that reports them durable together, or neither."""

    uow: UnitOfWork
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _after: list[Callable[[], None]] = field(default_factory=list)

    async def run(self, use_case: Callable[[UnitOfWork], Awaitable[R]]) -> R:
        async with self._lock, unavailable_on_outage(), self.uow.savepoint():
            return await use_case(self.uow)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """The unit's session for one read; sibling resolvers take turns (one session)."""
        async with self._lock, unavailable_on_outage():
            yield self.uow.session

    def on_commit(self, callback: Callable[[], None]) -> None:
        self._after.append(callback)

    async def conclude(self, answer: Callable[[UnitOfWork], Awaitable[None]]) -> None:
        """Write the request's answer into the unit and commit it with the effects, once."""
        await answer(self.uow)
        await _commit(self.uow)
        for callback in self._after:
            callback()


class Payloads(ABC, Generic[P]):
    """Mutations answering with one payload type, and the declarations of the usual ones."""

    run: MutationRunner
    payload: Callable[..., P]

    @abstractmethod
    async def __call__(self, info: Info, use_case: Callable[[UnitOfWork], Awaitable[Any]]) -> P:
        """Run `use_case` into this payload."""

    def mutation(
        self,
        use_case: Callable[[UnitOfWork, C], Awaitable[Any]],
        description: str | None = None,
    ) -> Callable[[Callable[[Any], C]], Any]:
        """Declare a mutation answering with this payload: the decorated function turns its one
        argument, the mutation's `input` (its annotation is the GraphQL input type), into the
        command `use_case` runs. The command is built before the unit of work opens."""

        def declare(command: Callable[[Any], C]) -> Any:
            async def resolve(info: Info, input: Any) -> P:
                c = command(input)
                return await self(info, lambda uow: use_case(uow, c))

            return mutation_field(resolve, input_type_of(command), self.payload, description)

        return declare

    def by_id(
        self,
        input_type: type[Versioned],
        type_name: str,
        use_case: Callable[[UnitOfWork, uuid.UUID, int], Awaitable[Any]],
        description: str | None = None,
    ) -> Any:
        """Declare a mutation of one node named by the `id` (of a `type_name`) and `version` of
        its input, such as a retirement."""

        async def resolve(info: Info, input: Versioned) -> P:
            node_id = from_global_id(input.id, type_name)
            return await self(info, lambda uow: use_case(uow, node_id, input.version))

        return mutation_field(resolve, input_type, self.payload, description)


@dataclass(frozen=True)
class NodePayload(Payloads[P]):
    """A payload holding the resulting node in its one node field."""

    run: MutationRunner
    payload: Callable[..., P]
    field: str
    node: FromRow[Any]

    async def __call__(self, info: Info, use_case: Callable[[UnitOfWork], Awaitable[Any]]) -> P:
        found, errors = await self.run(info, use_case)
        node = self.node.from_row(found) if found else None
        return self.payload(**{self.field: node}, errors=errors)


@dataclass(frozen=True)
class AnsweredPayload(Payloads[P]):
    """A payload made from the use case's result and the errors by a function of its own."""

    run: MutationRunner
    payload: Callable[..., P]
    answer: Callable[[Any, list[UserError]], P]

    async def __call__(self, info: Info, use_case: Callable[[UnitOfWork], Awaitable[Any]]) -> P:
        return self.answer(*await self.run(info, use_case))


def mutation_field(
    resolve: Callable[[Info, Any], Awaitable[P]],
    input_type: Any,
    payload: Callable[..., P],
    description: str | None,
) -> Any:
    """A mutation whose resolver, `resolve(info, input)`, is written once for many input types:
    this one's GraphQL input and payload types are given here."""
    resolve.__annotations__["input"] = input_type
    resolve.__annotations__["return"] = payload
    return strawberry.mutation(resolver=resolve, description=description)


def input_type_of(build: Callable[[Any], Any]) -> Any:
    """The annotated type of the one argument of `build`, a function of a mutation's input."""
    (param,) = inspect.signature(build).parameters
    return get_type_hints(build)[param]


class Versioned(Protocol):
    """An input naming one node and the version the caller last saw."""

    id: strawberry.ID
    version: int
