"""Deployment windows, conflicts, freezes, exceptions and quarterly alignment."""

from __future__ import annotations

import strawberry


@strawberry.type
class CalendarQuery:
    pass


@strawberry.type
class CalendarMutation:
    pass
