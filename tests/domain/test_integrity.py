"""Unique violations read back as the constraint they break, on PostgreSQL and SQLite alike."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.errors import AlreadyExists
from domain.kernel.integrity import Duplicate, refusal_for, refuse_duplicates, violated_constraint
from domain.kernel.orm import Base
from domain.organization.errors import OrganizationErrorCode
from domain.organization.models import Person, RoleGrant

pytestmark = pytest.mark.fault


def _person(username: str, now: datetime, subject: str | None = None) -> Person:
    return Person(
        username=username,
        display_name=username,
        kind="human",
        issuer="test",
        subject=subject or username,
        active=True,
        created_at=now,
        updated_at=now,
    )


async def _violation(session: AsyncSession, row: Base) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    return caught.value


class TestTheViolatedConstraintIsNamed:
    async def test_a_one_column_constraint(self, session: AsyncSession, now: datetime) -> None:
        session.add(_person("dup-one", now))
        await session.flush()
        exc = await _violation(session, _person("dup-one", now, subject="another"))
        assert violated_constraint(exc) == "uq_people_username"

    async def test_a_many_column_constraint_maps_to_its_registered_refusal(
        self, session: AsyncSession, now: datetime
    ) -> None:
        person = _person("dup-grant", now)
        session.add(person)
        await session.flush()
        grant = {"person_id": person.id, "role": "viewer", "domain": "*", "created_at": now}
        session.add(RoleGrant(**grant))
        await session.flush()
        exc = await _violation(session, RoleGrant(**grant))
        assert violated_constraint(exc) == "uq_role_grants_person_id_role_domain"
        refusal = refusal_for(exc)
        assert isinstance(refusal, AlreadyExists)
        assert refusal.code == OrganizationErrorCode.GRANT_EXISTS

    async def test_a_violation_that_is_not_a_unique_one_names_nothing(
        self, session: AsyncSession, now: datetime
    ) -> None:
        person = _person("dup-null", now)
        person.display_name = None  # type: ignore[assignment]
        exc = await _violation(session, person)
        assert violated_constraint(exc) is None
        assert refusal_for(exc) is None


class TestTheRegistry:
    def test_every_registered_name_is_a_unique_constraint_of_the_schema(self) -> None:
        import domain.models  # noqa: F401  (every table)
        from api.graphql import user_errors  # noqa: F401  (every context's errors)
        from domain.kernel.integrity import _REGISTRY

        names = {
            c.name
            for t in Base.metadata.tables.values()
            for c in [*t.constraints, *(i for i in t.indexes if i.unique)]
            if isinstance(c, UniqueConstraint) or getattr(c, "unique", False)
        }
        assert len(_REGISTRY) >= 20
        assert set(_REGISTRY) <= names, set(_REGISTRY) - names

    def test_one_constraint_cannot_mean_two_things(self) -> None:
        with pytest.raises(ValueError, match="registered twice"):
            refuse_duplicates(
                {"uq_people_username": Duplicate("KEY_TAKEN", "Another meaning.", "username")}
            )
