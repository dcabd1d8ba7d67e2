"""GraphQL of the flags context."""

from __future__ import annotations

import strawberry


@strawberry.type
class FlagsQuery:
    pass


@strawberry.type
class FlagsMutation:
    pass
