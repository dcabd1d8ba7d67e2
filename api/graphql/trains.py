"""GraphQL of the trains context."""

from __future__ import annotations

import strawberry


@strawberry.type
class TrainsQuery:
    pass


@strawberry.type
class TrainsMutation:
    pass
