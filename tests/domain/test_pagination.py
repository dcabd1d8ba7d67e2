"""Keyset pagination over a timestamp column: cursors come back as the column's type."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.errors import DomainError
from domain.kernel.pagination import encode_cursor, fetch_page
from domain.organization.models import Person

T0 = datetime(2026, 11, 27, 9, tzinfo=UTC)


async def _people(session: AsyncSession, tag: str) -> list[Person]:
    people = [
        Person(
            username=f"{tag}-{i}",
            display_name=f"P{i}",
            email=None,
            kind="human",
            issuer="test",
            subject=uuid.uuid4().hex,
            active=True,
            created_at=T0 + timedelta(minutes=i),
            updated_at=T0,
        )
        for i in range(3)
    ]
    session.add_all(people)
    await session.flush()
    return people


class TestPagesFollowTimestampCursors:
    async def test_the_second_page_starts_after_the_first_pages_last_time(
        self, session: AsyncSession
    ) -> None:
        tag = uuid.uuid4().hex[:8]
        await _people(session, tag)
        stmt = select(Person.id, Person.username, Person.created_at).where(
            Person.username.like(f"{tag}-%")
        )
        kw = {"sort_col": Person.created_at, "id_col": Person.id, "sort_key": "created_at"}
        first = await fetch_page(session, stmt, first=2, after=None, **kw)  # type: ignore[arg-type]
        assert [r.username for r in first.items] == [f"{tag}-0", f"{tag}-1"]
        assert first.has_next
        rest = await fetch_page(session, stmt, first=2, after=first.cursors[-1], **kw)  # type: ignore[arg-type]
        assert [r.username for r in rest.items] == [f"{tag}-2"]
        assert not rest.has_next

    async def test_a_forged_time_in_a_cursor_is_a_bad_cursor(self, session: AsyncSession) -> None:
        forged = encode_cursor("not a time", uuid.uuid4())
        stmt = select(Person.id, Person.created_at)
        with pytest.raises(DomainError):
            await fetch_page(
                session,
                stmt,
                sort_col=Person.created_at,
                id_col=Person.id,
                sort_key="created_at",
                first=1,
                after=forged,
            )

    @pytest.mark.parametrize("forged_value", [42, 4.2, True, ["x"], {"k": "v"}])
    async def test_a_forged_value_of_another_type_is_a_bad_cursor_not_a_database_error(
        self, session: AsyncSession, forged_value: object
    ) -> None:
        """PostgreSQL refuses to compare text with a number: refused before the statement."""
        tag = uuid.uuid4().hex[:8]
        await _people(session, tag)
        stmt = select(Person.id, Person.username).where(Person.username.like(f"{tag}-%"))
        forged = encode_cursor(forged_value, uuid.uuid4())
        with pytest.raises(DomainError) as refused:
            await fetch_page(
                session,
                stmt,
                sort_col=Person.username,
                id_col=Person.id,
                sort_key="username",
                first=1,
                after=forged,
            )
        assert refused.value.field == "after"
