"""Who and what the living demo world acts on: the demo's people, BUs, teams, services and
boards, read once after `demo.organization.load_demo` (and handed to each step of the world)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row

from demo.calendar import as_actor
from domain.governance import board_repository as boards
from domain.kernel.access import Actor, Scope
from domain.organization import repository as repo

if TYPE_CHECKING:
    from api.runtime import Runtime

EVERYWHERE = Scope(everywhere=True)


@dataclass(frozen=True, slots=True)
class Cast:
    people: dict[str, Row[Any]]
    bus: dict[str, uuid.UUID]
    teams: dict[str, uuid.UUID]
    services: dict[str, uuid.UUID]
    boards: dict[str, uuid.UUID]

    def actor(self, username: str) -> Actor:
        """The demo person acting (their grants decide what they may do, as in the API)."""
        return as_actor(self.people[username])

    def person(self, username: str) -> uuid.UUID:
        return self.people[username].id


async def read_cast(runtime: Runtime) -> Cast | None:
    """The demo's cast, or None when the demo organization is not loaded."""
    async with runtime.db.read_session() as session:
        people = {row.username: row for row in await repo.all_people(session)}
        bus = {
            row.key: row.id
            for row in (await repo.bus_page(session, EVERYWHERE, first=500, after=None)).items
        }
        if "payments" not in bus or "rmo" not in people:
            return None
        teams = await repo.teams_by_bu(session, list(bus.values()), first=500, after=None)
        services = await repo.services_page(
            session, EVERYWHERE, bu_id=None, team_id=None, tier=None, first=500, after=None
        )
        board_page = await boards.boards_page(
            session, EVERYWHERE, bu_id=None, first=500, after=None
        )
    return Cast(
        people=people,
        bus=bus,
        teams={row.key: row.id for page in teams.values() for row in page.items},
        services={row.key: row.id for row in services.items},
        boards={row.key: row.id for row in board_page.items},
    )
