"""Releases, documentation templates, approval boards, go/no-go sessions and sign-offs."""

from __future__ import annotations

import strawberry


@strawberry.type
class GovernanceQuery:
    pass


@strawberry.type
class GovernanceMutation:
    pass
