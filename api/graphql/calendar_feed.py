"""The per-user secret iCalendar feed URL."""

from __future__ import annotations

import strawberry


@strawberry.type
class CalendarFeedQuery:
    pass


@strawberry.type
class CalendarFeedMutation:
    pass
