"""Use cases of trusted documents that scripts register (the rule that uses them is the API's,
api/graphql/trusted_documents.py): register, revoke, list, and the reader of the active ones."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.organization import rules
from domain.organization.document_models import TrustedDocument

MAX_DOCUMENT_CHARS = 100_000
_AUDIT_EXCLUDE = ("body",)  # the id is its SHA-256: the record commits to the text


def document_id(body: str) -> str:
    """The id a document is known by: `sha256:` + the hex SHA-256 of its UTF-8 text."""
    return "sha256:" + hashlib.sha256(body.encode()).hexdigest()


def _rule(uow: UnitOfWork) -> str:
    # A document pages may run widens what a page holding a person's token can ask: that
    # administers access, so it takes the right to grant roles org-wide.
    return uow.authorize(Action.GRANT, Resource.ROLE_GRANT, None)


async def register_document(uow: UnitOfWork, name: str, body: str) -> TrustedDocument:
    """Register a document (again, if it was revoked); one already active is left as it is."""
    rule = _rule(uow)
    name = rules.check_name(name)
    if not body.strip() or len(body) > MAX_DOCUMENT_CHARS:
        raise DomainError(
            f"A document needs 1 to {MAX_DOCUMENT_CHARS} characters.", field="document"
        )
    key = document_id(body)
    found = await _by_id(uow.session, key, for_update=True)
    if found is None:
        document = TrustedDocument(
            document_id=key, name=name, body=body, created_at=uow.clock.now(), revoked_at=None
        )
        await uow.created(
            document,
            action="trusted_document.register",
            bu_id=None,
            rule=rule,
            exclude=_AUDIT_EXCLUDE,
        )
        return document
    if found.revoked_at is None:
        return found
    before = snapshot(found, exclude=_AUDIT_EXCLUDE)
    found.revoked_at, found.name = None, name
    await uow.updated(
        found,
        before,
        action="trusted_document.register",
        bu_id=None,
        rule=rule,
        exclude=_AUDIT_EXCLUDE,
    )
    return found


async def revoke_document(uow: UnitOfWork, key: str) -> TrustedDocument:
    """Revoke a registered document: pages may no longer run it."""
    rule = _rule(uow)
    found = await _by_id(uow.session, key, for_update=True)
    if found is None or found.revoked_at is not None:
        raise NotFound(f"No registered document has the id {key}.", field="documentId")
    before = snapshot(found, exclude=_AUDIT_EXCLUDE)
    found.revoked_at = uow.clock.now()
    await uow.updated(
        found,
        before,
        action="trusted_document.revoke",
        bu_id=None,
        rule=rule,
        exclude=_AUDIT_EXCLUDE,
    )
    return found


async def active_documents(session: AsyncSession) -> dict[str, str]:
    """Every registered document not revoked, by id."""
    rows = await session.execute(
        select(TrustedDocument.document_id, TrustedDocument.body).where(
            TrustedDocument.revoked_at.is_(None)
        )
    )
    return {key: body for key, body in rows}


async def listed_documents(session: AsyncSession) -> list[TrustedDocument]:
    """Every registered document, revoked ones too, oldest first."""
    found = await session.scalars(select(TrustedDocument).order_by(TrustedDocument.created_at))
    return list(found)


async def _by_id(
    session: AsyncSession, key: str, *, for_update: bool = False
) -> TrustedDocument | None:
    statement = select(TrustedDocument).where(TrustedDocument.document_id == key)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)
