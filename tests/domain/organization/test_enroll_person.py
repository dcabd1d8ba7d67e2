"""Enrolling a person with their first role (`signalbox users create`), as the system, on SQLite
and PostgreSQL: one unit of work, audited, an address already known refused."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from authz.authorizer import CasbinAuthorizer
from domain.kernel.access import SYSTEM_ACTOR
from domain.kernel.errors import DomainError
from domain.organization import commands as cmd
from domain.organization import identity
from domain.organization import repository as repo
from tests.world import World
from tests.world.world import unit_of_work

ISSUER = "https://id.example.com/realms/acme"


def enrollment(email: str, role: str = "org_admin", **kw: str | None) -> cmd.EnrollPerson:
    username = f"u{uuid.uuid4().hex[:10]}"
    person = cmd.CreatePerson(
        username=username, display_name="Ada Lovelace", email=email, subject=kw.pop("subject", None)
    )
    return cmd.EnrollPerson(person=person, role=role, bu_key=kw.pop("bu_key", None))


async def enroll(world: World, c: cmd.EnrollPerson) -> uuid.UUID:
    """As `signalbox users create` does: the system actor, the real authorizer, one commit."""
    uow = unit_of_work(
        world.session, SYSTEM_ACTOR, clock=world.clock, authorizer=CasbinAuthorizer()
    )
    grant = await identity.enroll_person(uow, c, issuer=ISSUER)
    await uow.commit()
    return grant.person_id


@pytest.fixture
def world(session: AsyncSession, now: datetime) -> World:
    return World(session, now)


def address() -> str:
    return f"ada.{uuid.uuid4().hex[:8]}@example.com"


class TestEnrollingTheFirstAdministrator:
    async def test_the_person_holds_the_role_org_wide_and_both_writes_are_audited_as_the_system(
        self, world: World
    ) -> None:
        person_id = await enroll(world, enrollment(address()))
        grants = await repo.grants_of(world.session, person_id)
        assert [(g.role, g.bu_id) for g in grants] == [("org_admin", None)]
        records = await world.audit(person_id)
        records += await world.audit(grants[0].id)
        assert sorted(r.action for r in records) == ["person.create", "role_grant.grant"]
        assert {r.actor_subject for r in records} == {"system"}

    async def test_the_identity_providers_subject_is_kept_for_the_first_sign_in(
        self, world: World
    ) -> None:
        sub = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
        person_id = await enroll(world, enrollment(address(), subject=sub))
        person = await repo.get_person(world.session, person_id)
        assert person is not None and (person.issuer, person.subject) == (ISSUER, sub)

    async def test_a_business_unit_role_is_granted_in_that_unit(self, world: World) -> None:
        bu = await world.add.bu("Payments")
        person_id = await enroll(world, enrollment(address(), "bu_admin", bu_key=bu.key))
        grants = await repo.grants_of(world.session, person_id)
        assert [(g.role, g.bu_id) for g in grants] == [("bu_admin", bu.id)]


class TestRefusals:
    async def test_an_address_already_known_is_refused_with_its_code(self, world: World) -> None:
        email = address()
        await enroll(world, enrollment(email))
        with pytest.raises(DomainError) as refused:
            await enroll(world, enrollment(email))
        assert refused.value.code == "EMAIL_TAKEN" and refused.value.field == "email"

    async def test_an_unknown_business_unit_is_refused_before_anyone_is_created(
        self, world: World
    ) -> None:
        c = enrollment(address(), "bu_admin", bu_key="no-such-bu")
        with pytest.raises(DomainError) as refused:
            await enroll(world, c)
        assert refused.value.code == "NOT_FOUND"
        assert not await repo.username_taken(world.session, c.person.username)

    async def test_a_subject_with_spaces_is_refused(self, world: World) -> None:
        with pytest.raises(DomainError) as refused:
            await enroll(world, enrollment(address(), subject="not a subject"))
        assert refused.value.field == "subject"
