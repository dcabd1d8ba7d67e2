"""Running a mutation: one unit of work, one commit; domain refusals become payload errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from api.graphql.context import Info
from api.graphql.errors import TOP_LEVEL, UserError, user_error
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork

R = TypeVar("R")


async def run(
    info: Info, use_case: Callable[[UnitOfWork], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Run `use_case` in a fresh unit of work and commit once; map refusals to UserErrors."""
    try:
        async with info.context.uow() as uow:
            result = await use_case(uow)
            await uow.commit()
            return result, []
    except TOP_LEVEL:
        raise
    except DomainError as exc:
        return None, [user_error(exc)]
