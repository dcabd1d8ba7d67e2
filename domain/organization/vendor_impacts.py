"""What a vendor release reaches: the services linked to the vendor *directly*, and their
consumers in `service_dependencies`, transitively, *indirectly* (tagged with the provider they
were reached through). Read without authorization; read use cases filter what a reader sees.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.organization import vendor_repository as repo

MAX_DEPTH = 25
"""Levels of consumers followed from a vendor's services (a deeper graph is cut there)."""


@dataclass(frozen=True, slots=True)
class Impact:
    service_id: uuid.UUID
    indirect: bool
    via: uuid.UUID | None = None
    """For an indirect impact: the provider it was reached through."""


async def impacts_of_vendors(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Impact]]:
    """Per vendor, the services its releases reach: direct ones first (by key), then the
    indirect ones in the order they were reached. One statement per level of the graph."""
    links = await repo.services_of_vendors(session, vendor_ids)
    reach: dict[uuid.UUID, dict[uuid.UUID, Impact]] = {v: {} for v in vendor_ids}
    frontier: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for vendor_id, rows in links.items():
        for row in rows:
            reach[vendor_id][row.id] = Impact(row.id, indirect=False)
            frontier[row.id].add(vendor_id)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        edges = await repo.consumers_of(session, sorted(frontier, key=str))
        following: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for consumer, provider in sorted(edges, key=lambda e: (str(e[1]), str(e[0]))):
            for vendor_id in frontier[provider]:
                if consumer not in reach[vendor_id]:
                    reach[vendor_id][consumer] = Impact(consumer, indirect=True, via=provider)
                    following[consumer].add(vendor_id)
        frontier = following
    return {v: list(found.values()) for v, found in reach.items()}
