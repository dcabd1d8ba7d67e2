"""The one way a machine endpoint writes: its use case in one unit of work, committed once,
and a domain refusal answered as HTTP (`api.http.domain_refusal`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response

from api.http import domain_refusal, unavailable
from api.units import Work
from domain.kernel.access import Actor
from domain.kernel.db import unavailable_on_outage
from domain.kernel.errors import DomainError, Unavailable

if TYPE_CHECKING:
    from api.runtime import Runtime

R = TypeVar("R")
Refuse = Callable[[DomainError], Response]


def refused(runtime: Runtime, exc: DomainError, refuse: Refuse = domain_refusal) -> Response:
    """The answer to a refusal; a database out of reach is counted too."""
    if isinstance(exc, Unavailable):
        runtime.metrics.db_unavailable.inc()
    return refuse(exc)


async def write(
    runtime: Runtime,
    request: Request,
    use_case: Work[R],
    respond: Callable[[R], Response],
    *,
    actor: Actor | None = None,
    refuse: Refuse = domain_refusal,
) -> Response:
    """Run `use_case` as the request's actor (or `actor`) and answer with `respond(result)`."""
    try:
        # Out of reach at any statement, not only the commit: the one retryable UNAVAILABLE.
        async with unavailable_on_outage():
            result = await runtime.units.run(
                use_case,
                actor=actor if actor is not None else request.state.actor,
                request_id=request.state.request_id,
            )
    except DomainError as exc:
        return refused(runtime, exc, refuse)
    except IntegrityError:
        # A concurrent request wrote the same thing first: a retry finds it done.
        return unavailable("Retry shortly.")
    return respond(result)
