"""What post-mortems publish to the contexts above postrelease (insights: a policy proposal
names the post-mortem it came from): batched readers returning frozen values."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.postrelease import postmortem_repository as repo


@dataclass(frozen=True, slots=True)
class PostMortemFacts:
    id: uuid.UUID
    bu_id: uuid.UUID
    service_id: uuid.UUID | None
    title: str
    status: str


async def post_mortems(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, PostMortemFacts]:
    """The post-mortems among `ids`, by id (one statement); unknown ones left out."""
    rows = await repo.post_mortems_by_ids(session, ids)
    return {
        k: PostMortemFacts(r.id, r.bu_id, r.service_id, r.title, r.status) for k, r in rows.items()
    }


async def post_mortem(
    session: AsyncSession, post_mortem_id: uuid.UUID, *, readable_in: Scope, field: str
) -> PostMortemFacts:
    """The post-mortem; NOT_FOUND when there is none or `readable_in` does not reach its BU."""
    found = (await post_mortems(session, [post_mortem_id])).get(post_mortem_id)
    if found is None or not readable_in.allows(found.bu_id):
        raise NotFound("Post-mortem was not found.", field=field)
    return found
