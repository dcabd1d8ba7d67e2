"""The per-person secret iCalendar feed URL: create (shown once), list, revoke."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.endpoints.ical import feed_path, new_feed_secret
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import Node, from_global_id, from_optional_global_id, to_global_id
from api.graphql.user_errors import CALENDAR, UserError
from domain.calendar import feed

run = MutationRunner(CALENDAR)


@strawberry.type(
    description=(
        "A secret URL at which calendar clients read the releases, freezes, windows, "
        "exceptions and unauthorized changes you may read (iCalendar). "
        "The URL is shown once, at creation; only a hash of its secret is kept."
    )
)
class CalendarFeed(Node):
    id: strawberry.ID
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(
        description="When a calendar client last read it (to the hour)."
    )
    revoked_at: datetime | None
    active: bool = strawberry.field(description="False once revoked.")

    @classmethod
    def from_row(cls, r: Any) -> CalendarFeed:
        return cls(
            id=strawberry.ID(to_global_id("CalendarFeed", r.id)),
            created_at=r.created_at,
            last_used_at=r.last_used_at,
            revoked_at=r.revoked_at,
            active=r.revoked_at is None,
        )


@strawberry.type
class CalendarFeedQuery:
    @strawberry.field(
        description=(
            "Your calendar feeds, newest first (never their secrets). An org admin may name "
            "someone else's `personId` to find a feed to revoke; for anyone else that is empty."
        )
    )
    async def calendar_feeds(
        self, info: Info, person_id: strawberry.ID | None = None
    ) -> list[CalendarFeed]:
        person = from_optional_global_id(person_id, "Person", "personId")
        async with info.context.reader() as r:
            rows = await feed.feeds(r, person_id=person)
        return [CalendarFeed.from_row(row) for row in rows]


@strawberry.input
class CalendarFeedCreateInput:
    revoke_others: bool = strawberry.field(
        default=False,
        description="Revoke your other active feeds at the same time (rotate the URL).",
    )


@strawberry.type
class CalendarFeedCreatePayload:
    calendar_feed: CalendarFeed | None
    url: str | None = strawberry.field(
        description=(
            "The feed URL to subscribe to, secret included. Shown this once; keep it safe: "
            "anyone holding it reads what you may read."
        )
    )
    errors: list[UserError]


@strawberry.input
class CalendarFeedRevokeInput:
    id: strawberry.ID


@strawberry.type
class CalendarFeedPayload:
    calendar_feed: CalendarFeed | None
    errors: list[UserError]


calendar_feed_payload = run.into(CalendarFeedPayload, calendar_feed=CalendarFeed)


@strawberry.type
class CalendarFeedMutation:
    @strawberry.mutation(description="Make a secret iCalendar feed URL for yourself.")
    async def calendar_feed_create(
        self, info: Info, input: CalendarFeedCreateInput
    ) -> CalendarFeedCreatePayload:
        secret, digest = new_feed_secret()
        made, errors = await run(
            info,
            lambda uow: feed.create_feed(uow, token_hash=digest, revoke_others=input.revoke_others),
        )
        base = str(info.context.request.base_url).rstrip("/")
        return CalendarFeedCreatePayload(
            calendar_feed=CalendarFeed.from_row(made) if made else None,
            url=base + feed_path(secret) if made else None,
            errors=errors,
        )

    @strawberry.mutation(
        description="Stop a feed URL at once: your own, or anyone's for the org admins."
    )
    async def calendar_feed_revoke(
        self, info: Info, input: CalendarFeedRevokeInput
    ) -> CalendarFeedPayload:
        feed_id: uuid.UUID = from_global_id(input.id, "CalendarFeed")
        return await calendar_feed_payload(info, lambda uow: feed.revoke_feed(uow, feed_id))
