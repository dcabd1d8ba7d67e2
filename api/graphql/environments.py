"""GraphQL of the environments context."""

from __future__ import annotations

import strawberry


@strawberry.type
class EnvironmentsQuery:
    pass


@strawberry.type
class EnvironmentsMutation:
    pass
