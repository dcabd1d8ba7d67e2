"""Quarterly alignment: the agreed ranking of competing releases; the newest one counts."""

from __future__ import annotations

from domain.calendar import repository as repo
from domain.calendar import rules
from domain.calendar.commands import RecordAlignment
from domain.calendar.errors import CalendarErrorCode as Code
from domain.calendar.models import Alignment
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts


async def record_alignment(uow: UnitOfWork, c: RecordAlignment) -> Alignment:
    """Record a quarter's ranking; conflict advice uses the newest one of the quarter."""
    quarter = rules.check_quarter(c.quarter)
    if c.bu_id is not None:
        await org_facts.business_unit(
            uow.session, c.bu_id, readable_in=uow.scope(Action.READ, Resource.ALIGNMENT)
        )
    rule = uow.authorize(Action.CREATE, Resource.ALIGNMENT, c.bu_id)
    ranking = rules.check_ranking(c.ranking)
    releases = await repo.releases_info(uow.session, [e.release_id for e in ranking])
    read = uow.scope(Action.READ, Resource.RELEASE)
    for e in ranking:
        release = releases.get(e.release_id)
        if release is None or not read.allows(release.bu_id):
            raise NotFound("A ranked release was not found.", field="ranking")
        if c.bu_id is not None and release.bu_id != c.bu_id:
            raise DomainError(
                f"Release '{release.title}' is not in the alignment's business unit.",
                code=Code.NOT_IN_BUSINESS_UNIT,
                field="ranking",
            )
    agreed = sorted(set(c.agreed_by), key=str)
    if not agreed:
        raise DomainError(
            "An alignment names who agreed to it.", code=Code.INVALID_RANKING, field="agreedBy"
        )
    if await repo.existing_people(uow.session, agreed) != set(agreed):
        raise NotFound("A person who agreed was not found.", field="agreedBy")
    alignment = Alignment(
        quarter=quarter,
        bu_id=c.bu_id,
        ranking=[
            {"release_id": str(e.release_id), "rank": e.rank, "rationale": e.rationale.strip()}
            for e in ranking
        ],
        agreed_by=[str(p) for p in agreed],
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(alignment, action="alignment.record", bu_id=c.bu_id, rule=rule)
    return alignment
