"""Freeze exceptions: leave for one release and one window, approved by someone else, expiring
by itself, and reviewed afterwards."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.calendar import freeze_repository as frepo
from domain.calendar import recurrence, rules
from domain.calendar import repository as repo
from domain.calendar.commands import DecideException, RequestException, ReviewException
from domain.calendar.errors import CalendarErrorCode as Code
from domain.calendar.freezes import timing_of, visible_freeze
from domain.calendar.models import DeploymentWindow, Freeze, FreezeException
from domain.calendar.vocabulary import ExceptionStatus, FreezeStatus, WindowStatus
from domain.governance import facts as release_facts
from domain.guardrails.effective import effective_for_service
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork

LONGEST_GRACE = timedelta(days=7)
"""An exception expires at the latest this long after its window ends."""


async def _window(uow: UnitOfWork, window_id: uuid.UUID) -> DeploymentWindow:
    window = await repo.get_window(uow.session, window_id)
    if window is None or not uow.scope(Action.READ, Resource.FREEZE_EXCEPTION).allows(window.bu_id):
        raise NotFound("Deployment window was not found.", field="windowId")
    return window


async def request_exception(uow: UnitOfWork, c: RequestException) -> FreezeException:
    """Ask to let one release window through a freeze it falls into."""
    window = await _window(uow, c.window_id)
    rule = uow.authorize(Action.CREATE, Resource.FREEZE_EXCEPTION, window.bu_id)
    freeze = await visible_freeze(uow, c.freeze_id, "freezeId")
    if window.status != WindowStatus.PLANNED:
        raise DomainError("The window is cancelled.", code=Code.WINDOW_CANCELLED, field="windowId")
    if window.release_id is None:
        raise DomainError(
            "Only a release window can go through a freeze.",
            code=Code.NOT_A_RELEASE_WINDOW,
            field="windowId",
        )
    if freeze.status != FreezeStatus.APPROVED:
        raise DomainError(
            f"The freeze is {freeze.status}: only an approved freeze needs an exception.",
            code=Code.FREEZE_NOT_APPROVED,
            field="freezeId",
        )
    await _falls_into(uow, window, freeze)
    await _exceptions_allowed(uow, window.release_id)
    if await frepo.open_exception(uow.session, freeze.id, window.id) is not None:
        raise AlreadyExists("An exception for this window and freeze is already open.")
    justification = c.justification.strip()
    if not justification:
        raise DomainError(
            "Say why the release cannot wait.",
            code=Code.JUSTIFICATION_REQUIRED,
            field="justification",
        )
    now = uow.clock.now()
    expires_at = c.expires_at or window.ends_at
    if expires_at <= now or expires_at > window.ends_at + LONGEST_GRACE:
        raise DomainError(
            "An exception expires after now and at most 7 days after its window ends.",
            code=Code.INVALID_EXPIRY,
            field="expiresAt",
        )
    exception = FreezeException(
        freeze_id=freeze.id,
        release_id=window.release_id,
        window_id=window.id,
        requested_by_id=uow.actor.person_id,
        justification=justification,
        status=str(ExceptionStatus.REQUESTED),
        expires_at=expires_at,
        review_note="",
        created_at=now,
        updated_at=now,
    )
    await uow.created(exception, action="freeze_exception.request", bu_id=window.bu_id, rule=rule)
    return exception


async def _exceptions_allowed(uow: UnitOfWork, release_id: uuid.UUID) -> None:
    """The guardrails may forbid freeze exceptions for a service: then nothing goes through."""
    shipped = (await release_facts.shipped_services(uow.session, [release_id])).get(release_id, [])
    for service in shipped:
        value = (await effective_for_service(uow.session, service.id)).values[
            "freeze_exceptions_allowed"
        ]
        rules.check_exceptions_allowed(
            value.value, service.key, f"{value.source}, version {value.source_version}"
        )


async def _falls_into(uow: UnitOfWork, window: DeploymentWindow, freeze: Freeze) -> None:
    services = (await repo.services_by_window(uow.session, [window.id])).get(window.id, [])
    info = await repo.services_info(uow.session, services)
    listed = (await frepo.services_by_freeze(uow.session, [freeze.id])).get(freeze.id, [])
    facts = rules.FreezeScopeFacts(
        scope=freeze.scope,
        bu_id=freeze.bu_id,
        tiers=frozenset(freeze.tiers or []),
        environments=frozenset(freeze.environments or []),
        service_ids=frozenset(listed),
    )
    applies = rules.freeze_applies(
        facts,
        bu_id=window.bu_id,
        service_ids=services,
        environments=[window.environment] if window.environment else [],
        tiers=[r.tier for r in info.values()],
    )
    if not applies or not recurrence.occurrences(
        timing_of(freeze), window.starts_at, window.ends_at
    ):
        raise DomainError(
            "The window does not fall into that freeze.",
            code=Code.WINDOW_NOT_IN_FREEZE,
            field="freezeId",
        )


async def _visible_exception(uow: UnitOfWork, exception_id: uuid.UUID) -> FreezeException:
    exception = await frepo.get_exception(uow.session, exception_id)
    if exception is None:
        raise NotFound("Freeze exception was not found.")
    await _window(uow, exception.window_id)
    return exception


async def decide_exception(uow: UnitOfWork, c: DecideException) -> FreezeException:
    """Approve or reject a requested exception; nobody decides their own request."""
    exception = await _visible_exception(uow, c.exception_id)
    window = await _window(uow, exception.window_id)
    rule = uow.authorize(Action.APPROVE, Resource.FREEZE_EXCEPTION, window.bu_id)
    if exception.status != ExceptionStatus.REQUESTED:
        raise DomainError(
            f"The exception is {exception.status}, not requested.",
            code=Code.EXCEPTION_NOT_REQUESTED,
        )
    if exception.requested_by_id is not None and exception.requested_by_id == uow.actor.person_id:
        raise DomainError(
            "Nobody approves or rejects their own freeze exception.", code=Code.SELF_APPROVAL
        )
    now = uow.clock.now()
    if c.approve and exception.expires_at <= now:
        raise DomainError("The exception has expired; request a new one.", code=Code.INVALID_EXPIRY)
    before = snapshot(exception)
    exception.status = str(ExceptionStatus.APPROVED if c.approve else ExceptionStatus.REJECTED)
    exception.decided_by_id = uow.actor.person_id
    exception.decided_at = now
    await uow.updated(
        exception,
        before,
        action="freeze_exception.approve" if c.approve else "freeze_exception.reject",
        bu_id=window.bu_id,
        rule=rule,
    )
    return exception


async def review_exception(uow: UnitOfWork, c: ReviewException) -> FreezeException:
    """Close the loop on an approved exception once its window ended or it expired."""
    exception = await _visible_exception(uow, c.exception_id)
    window = await _window(uow, exception.window_id)
    rule = uow.authorize(Action.UPDATE, Resource.FREEZE_EXCEPTION, window.bu_id)
    now = uow.clock.now()
    due = exception.expires_at <= now or window.ends_at <= now
    if exception.status != ExceptionStatus.APPROVED or exception.reviewed_at is not None or not due:
        raise DomainError(
            "Only an approved exception whose window ended or which expired, and not yet "
            "reviewed, is reviewed.",
            code=Code.EXCEPTION_NOT_REVIEWABLE,
        )
    note = c.note.strip()
    if not note:
        raise DomainError(
            "A review says what happened.", code=Code.REVIEW_NOTE_REQUIRED, field="note"
        )
    before = snapshot(exception)
    exception.reviewed_at = now
    exception.reviewed_by_id = uow.actor.person_id
    exception.review_note = note
    await uow.updated(
        exception, before, action="freeze_exception.review", bu_id=window.bu_id, rule=rule
    )
    return exception
