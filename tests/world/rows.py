"""Rows of an organization written straight into the test's session, flushed so ids are set.

For what a test only needs to exist; the behaviour under test goes through its use cases.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import Environment
from domain.governance.models import Release, ReleaseAuthor, ReleaseService
from domain.kernel.clock import FixedClock
from domain.organization.models import BusinessUnit, Person, Service, ServiceDependency, Team

R = TypeVar("R")


def unique(prefix: str) -> str:
    """A readable key no other test (nor an earlier run on the same database) has taken."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Org:
    """The organization most tests start from: Payments with a team, and Retail."""

    bu: BusinessUnit
    other_bu: BusinessUnit
    team: Team


class Rows:
    """BUs, teams, services, people, environments and releases, stamped by the world's clock."""

    def __init__(
        self, session: AsyncSession, clock: FixedClock, people: dict[str, Person] | None = None
    ) -> None:
        self.session = session
        self.clock = clock
        self.people = {} if people is None else people

    def _stamp(self) -> dict[str, datetime]:
        now = self.clock.now()
        return {"created_at": now, "updated_at": now}

    async def _flushed(self, row: R) -> R:
        self.session.add(row)
        await self.session.flush()
        return row

    async def org(self, *people: str) -> Org:
        """BU Payments with a team, BU Retail, and the people named."""
        bu, other_bu = await self.bu("Payments"), await self.bu("Retail")
        team = await self.team(bu.id)
        for name in people:
            await self.person(name)
        return Org(bu, other_bu, team)

    async def bu(self, name: str = "Payments") -> BusinessUnit:
        return await self._flushed(
            BusinessUnit(key=unique("bu"), name=name, description="", **self._stamp())
        )

    async def team(self, bu: uuid.UUID, key: str | None = None, name: str = "Core") -> Team:
        """A team of `bu`, keyed `core-…` unless told."""
        return await self._flushed(
            Team(bu_id=bu, key=key or unique("core"), name=name, description="", **self._stamp())
        )

    async def service(
        self,
        team: Team,
        key: str,
        *,
        name: str | None = None,
        tier: str = "internal",
        data: str = "internal",
        regions: Iterable[str] = (),
    ) -> Service:
        """A service of `team` (and its BU) keyed `<key>-…`, named `key` unless told."""
        return await self._flushed(
            Service(
                bu_id=team.bu_id,
                team_id=team.id,
                key=unique(key),
                name=name or key,
                tier=tier,
                data_classification=data,
                regions=list(regions),
                **self._stamp(),
            )
        )

    async def depend(self, consumer: uuid.UUID, provider: uuid.UUID) -> None:
        """`consumer` calls `provider` at runtime."""
        await self._flushed(
            ServiceDependency(
                consumer_id=consumer,
                provider_id=provider,
                kind="runtime",
                created_at=self.clock.now(),
            )
        )

    async def person(self, name: str, *, kind: str = "human") -> Person:
        """Someone the world knows by `name` (a unit of work can act as them)."""
        self.people[name] = await self._flushed(
            Person(
                username=unique(name),
                display_name=name.title(),
                email=None,
                kind=kind,
                issuer="test",
                subject=unique(name),
                active=True,
                **self._stamp(),
            )
        )
        return self.people[name]

    async def environment(
        self, bu: uuid.UUID, *, kind: str = "production", status: str = "active"
    ) -> Environment:
        return await self._flushed(
            Environment(
                key=unique("prod"),
                name="Production",
                kind=kind,
                bu_id=bu,
                region="eu-west-1",
                final_staging=False,
                owner_person_ids=[],
                capacity=1,
                status=status,
                **self._stamp(),
            )
        )

    async def release(
        self,
        bu: uuid.UUID,
        *,
        owner: str,
        title: str = "Release",
        release_type: str = "standard",
        status: str = "draft",
        services: Iterable[uuid.UUID] = (),
        artifact_version: str = "1.0",
        authors: Iterable[str] = (),
        change_types: Iterable[str] = (),
    ) -> Release:
        """A governance row as it stands in `status`, shipping `services`, written by `authors`."""
        release = await self._flushed(
            Release(
                bu_id=bu,
                title=title,
                description="",
                release_type=release_type,
                status=status,
                owner_id=self.people[owner].id,
                change_types=list(change_types),
                environments=[],
                regions=[],
                documentation={},
                checked_templates=[],
                status_reason="",
                **self._stamp(),
            )
        )
        self.session.add_all(
            ReleaseService(release_id=release.id, service_id=s, artifact_version=artifact_version)
            for s in services
        )
        self.session.add_all(
            ReleaseAuthor(release_id=release.id, person_id=self.people[a].id) for a in authors
        )
        await self.session.flush()
        return release


def digest(n: int | str) -> str:
    """A valid sha256 digest derived from n (tests need distinct, readable ones)."""
    return "sha256:" + f"{n}".encode().hex().rjust(64, "0")[-64:]
