"""Running a mutation: one unit of work, one commit; domain refusals become payload errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from api.graphql.context import Info
from api.graphql.errors import TOP_LEVEL
from api.graphql.user_errors import ErrorContext, UserError, user_errors
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork

R = TypeVar("R")


@dataclass(frozen=True)
class MutationRunner:
    """The runner of one context's mutations: its refusals become that context's errors."""

    errors: ErrorContext

    async def __call__(
        self, info: Info, use_case: Callable[[UnitOfWork], Awaitable[R]]
    ) -> tuple[R | None, list[UserError]]:
        """Run `use_case` in a fresh unit of work and commit once; a refusal becomes payload
        errors, one per problem it names."""
        try:
            async with info.context.uow() as uow:
                result = await use_case(uow)
                await uow.commit()
                return result, []
        except TOP_LEVEL:
            raise
        except DomainError as exc:
            return None, user_errors(exc, self.errors)
