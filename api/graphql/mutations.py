"""Running a mutation: one unit of work, one commit; domain refusals become payload errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from api.graphql.context import Info
from api.graphql.errors import TOP_LEVEL
from api.graphql.relay import FromRow
from api.graphql.user_errors import ErrorContext, UserError, user_errors
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork

R = TypeVar("R")
P = TypeVar("P")


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
        try:
            async with info.context.uow() as uow:
                result = await use_case(uow)
                await uow.commit()
        except TOP_LEVEL:
            raise
        except DomainError as exc:
            return None, user_errors(exc, self.errors)
        if self.committed is not None:
            self.committed(info)
        return result, []

    async def payload(
        self,
        info: Info,
        use_case: Callable[[UnitOfWork], Awaitable[Any]],
        payload: Callable[..., P],
        **node: FromRow[Any],
    ) -> P:
        """Run `use_case` into `payload`, whose one node field (`node`: field=type) gets the
        result (null when refused) beside the errors."""
        ((field, type_),) = node.items()
        found, errors = await self(info, use_case)
        return payload(**{field: type_.from_row(found) if found else None}, errors=errors)
