"""All SQL of the governance context. Lists read Core rows; writes load ORM aggregates."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import (
    Board,
    BoardMember,
    DocumentTemplate,
    GoNoGoSession,
    Release,
    ReleaseAuthor,
    ReleaseService,
    SignOff,
    SignOffRule,
    Vote,
)
from domain.kernel.access import ORG_SCOPE, Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import (
    Grouped,
    group_by,
    id_param,
    ids_param,
    rows_by_ids,
    rows_with_bu_by_ids,
    scoped,
)
from domain.organization import facts as org_facts
from domain.organization import fragments as org

RELEASE = Release.__table__
RELEASE_SERVICE = ReleaseService.__table__
AUTHOR = ReleaseAuthor.__table__
TEMPLATE = DocumentTemplate.__table__
BOARD = Board.__table__
MEMBER = BoardMember.__table__
SESSION = GoNoGoSession.__table__
VOTE = Vote.__table__
RULE = SignOffRule.__table__
SIGN_OFF = SignOff.__table__
SERVICE = org.service_rows()
PERSON = org.person_rows()

# -- releases --------------------------------------------------------------------------------


async def get_release(
    session: AsyncSession, release_id: uuid.UUID, *, for_update: bool = False
) -> Release | None:
    stmt = _RELEASE_FOR_UPDATE if for_update else _RELEASE
    return await session.scalar(stmt, {"id": release_id})


# Built once, as the statements below a cold decision snapshot reads (building them costs
# more than running them); the values are bound at each reading.
_RELEASE = select(Release).where(Release.id == id_param())
_RELEASE_FOR_UPDATE = _RELEASE.with_for_update()


async def release_row(session: AsyncSession, release_id: uuid.UUID) -> Row[Any] | None:
    """The release's columns, for reading facts (no ORM object: a prepared read)."""
    return (await session.execute(_RELEASE_ROW, {"id": release_id})).first()


_RELEASE_ROW = prepared(select(RELEASE).where(RELEASE.c.id == id_param()))


async def release_lines(session: AsyncSession, release_id: uuid.UUID) -> list[ReleaseService]:
    stmt = select(ReleaseService).where(ReleaseService.release_id == release_id)
    return list((await session.scalars(stmt)).all())


async def replace_lines(
    session: AsyncSession, release_id: uuid.UUID, lines: Sequence[tuple[uuid.UUID, str]]
) -> None:
    await session.execute(delete(ReleaseService).where(ReleaseService.release_id == release_id))
    session.add_all(
        ReleaseService(release_id=release_id, service_id=s, artifact_version=v) for s, v in lines
    )
    await session.flush()


async def author_ids(session: AsyncSession, release_id: uuid.UUID) -> list[uuid.UUID]:
    return sorted((await session.scalars(_AUTHOR_IDS, {"id": release_id})).all(), key=str)


_AUTHOR_IDS = prepared(select(AUTHOR.c.person_id).where(AUTHOR.c.release_id == id_param()))


async def replace_authors(
    session: AsyncSession, release_id: uuid.UUID, people: Sequence[uuid.UUID]
) -> None:
    await session.execute(delete(ReleaseAuthor).where(ReleaseAuthor.release_id == release_id))
    session.add_all(ReleaseAuthor(release_id=release_id, person_id=p) for p in people)
    await session.flush()


async def services_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, SERVICE, ids)


async def people_exist(session: AsyncSession, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    return set(await org_facts.people(session, ids))


async def shipped_services(session: AsyncSession, release_ids: Sequence[uuid.UUID]) -> Grouped:
    """Per release, the services it ships (service columns plus artifact_version, release_id)."""
    return group_by(
        (await session.execute(_SHIPPED, {"ids": list(release_ids)})).all(), "release_id"
    )


_SHIPPED = prepared(
    select(SERVICE, RELEASE_SERVICE.c.artifact_version, RELEASE_SERVICE.c.release_id)
    .join(RELEASE_SERVICE, RELEASE_SERVICE.c.service_id == SERVICE.c.id)
    .where(RELEASE_SERVICE.c.release_id.in_(ids_param()))
    .order_by(SERVICE.c.key)
)


async def authors_by_release(session: AsyncSession, release_ids: Sequence[uuid.UUID]) -> Grouped:
    stmt = (
        select(PERSON, AUTHOR.c.release_id)
        .join(AUTHOR, AUTHOR.c.person_id == PERSON.c.id)
        .where(AUTHOR.c.release_id.in_(release_ids))
        .order_by(PERSON.c.username)
    )
    return group_by((await session.execute(stmt)).all(), "release_id")


# -- documentation templates ------------------------------------------------------------------


def _latest() -> Any:
    """(domain, key, max version) of every template."""
    return (
        select(TEMPLATE.c.domain, TEMPLATE.c.key, func.max(TEMPLATE.c.version).label("latest"))
        .group_by(TEMPLATE.c.domain, TEMPLATE.c.key)
        .subquery()
    )


def _latest_templates() -> Select[Any]:
    latest = _latest()
    return select(TEMPLATE).join(
        latest,
        and_(
            latest.c.domain == TEMPLATE.c.domain,
            latest.c.key == TEMPLATE.c.key,
            latest.c.latest == TEMPLATE.c.version,
        ),
    )


async def active_templates(session: AsyncSession, bu_ids: Sequence[uuid.UUID]) -> list[Row[Any]]:
    """The latest version of every active org template and of the given BUs' templates."""
    domains = [ORG_SCOPE, *(str(b) for b in bu_ids)]
    return list((await session.execute(_ACTIVE_TEMPLATES, {"domains": domains})).all())


_ACTIVE_TEMPLATES = prepared(
    _latest_templates()
    .where(TEMPLATE.c.domain.in_(bindparam("domains", expanding=True)), TEMPLATE.c.active.is_(True))
    .order_by(TEMPLATE.c.key)
)


async def get_template(session: AsyncSession, template_id: uuid.UUID) -> DocumentTemplate | None:
    return await session.get(DocumentTemplate, template_id)


async def latest_template(session: AsyncSession, domain: str, key: str) -> DocumentTemplate | None:
    stmt = (
        select(DocumentTemplate)
        .where(DocumentTemplate.domain == domain, DocumentTemplate.key == key)
        .order_by(DocumentTemplate.version.desc())
        .limit(1)
    )
    return await session.scalar(stmt)


async def templates_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Latest versions (active or retired), org templates and those of the BUs in scope."""
    stmt = scoped(_latest_templates(), TEMPLATE.c.bu_id, scope, org_rows=True)
    if bu_id is not None:
        stmt = stmt.where(or_(TEMPLATE.c.bu_id == bu_id, TEMPLATE.c.bu_id.is_(None)))
    return await page_by(session, stmt, TEMPLATE, "key", first=first, after=after)


async def template_versions(session: AsyncSession, keys: Sequence[tuple[str, str]]) -> Grouped:
    """Every version of each (domain, key), newest first."""
    stmt = (
        select(TEMPLATE)
        .where(or_(*(and_(TEMPLATE.c.domain == d, TEMPLATE.c.key == k) for d, k in keys)))
        .order_by(TEMPLATE.c.version.desc())
    )
    grouped: Grouped = defaultdict(list)
    for row in (await session.execute(stmt)).all():
        grouped[(row.domain, row.key)].append(row)
    return grouped


# -- sign-off rules and sign-offs ---------------------------------------------------------------


async def get_rule(session: AsyncSession, rule_id: uuid.UUID) -> SignOffRule | None:
    return await session.get(SignOffRule, rule_id)


async def rule_key_taken(session: AsyncSession, key: str) -> bool:
    return bool(await session.scalar(select(exists().where(RULE.c.key == key))))


async def active_rules(session: AsyncSession) -> list[Row[Any]]:
    return list((await session.execute(_ACTIVE_RULES)).all())


_ACTIVE_RULES = prepared(select(RULE).where(RULE.c.active.is_(True)).order_by(RULE.c.key))


async def rules_page(
    session: AsyncSession, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    return await page_by(session, select(RULE), RULE, "key", first=first, after=after)


async def get_sign_off(session: AsyncSession, sign_off_id: uuid.UUID) -> SignOff | None:
    return await session.get(SignOff, sign_off_id)


async def sign_offs_by_release(session: AsyncSession, release_ids: Sequence[uuid.UUID]) -> Grouped:
    """Sign-offs in force or expired (revoked ones left out), per release."""
    rows = (await session.execute(_SIGN_OFFS, {"ids": list(release_ids)})).all()
    return group_by(rows, "release_id")


_SIGN_OFFS = prepared(
    select(SIGN_OFF)
    .where(
        SIGN_OFF.c.release_id.in_(ids_param()),
        SIGN_OFF.c.revoked_at.is_(None),
    )
    .order_by(SIGN_OFF.c.signed_at)
)


async def sign_off_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_with_bu_by_ids(session, SIGN_OFF, ids, parent=RELEASE, via="release_id")


async def approver_disciplines(
    session: AsyncSession, person_id: uuid.UUID, bu_id: uuid.UUID
) -> frozenset[str]:
    """The disciplines a person approves for in a BU: approver grants there or org-wide."""
    return await org_facts.disciplines_approved_by(session, person_id, bu_id)


async def owners_and_authors(
    session: AsyncSession, release_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Per release, its owner and its authors (who never vote or sign on it)."""
    out: dict[uuid.UUID, set[uuid.UUID]] = {r: set() for r in release_ids}
    owners = select(RELEASE.c.id, RELEASE.c.owner_id).where(RELEASE.c.id.in_(release_ids))
    for row in (await session.execute(owners)).all():
        out[row.id].add(row.owner_id)
    authors = select(AUTHOR.c.release_id, AUTHOR.c.person_id).where(
        AUTHOR.c.release_id.in_(release_ids)
    )
    for row in (await session.execute(authors)).all():
        out[row.release_id].add(row.person_id)
    return out
