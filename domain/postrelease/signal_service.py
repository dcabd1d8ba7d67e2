"""Use case of log-derived signals: a log pipeline posts how many errors of one fingerprint
a service logged in a window."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.rules import described
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.postrelease import review_commands as cmd
from domain.postrelease.review_errors import ReviewErrorCode as Code
from domain.postrelease.review_rules import aware
from domain.postrelease.signal_models import LogSignal

FINGERPRINT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}$")
MAX_WINDOW = timedelta(hours=24)
MAX_COUNT = 1_000_000_000
CLOCK_SKEW = timedelta(minutes=5)


def _window(c: cmd.ReportLogSignal) -> None:
    aware(c.starts_at, "startsAt", Code.INVALID_WINDOW)
    aware(c.ends_at, "endsAt", Code.INVALID_WINDOW)
    if not c.starts_at < c.ends_at or c.ends_at - c.starts_at > MAX_WINDOW:
        raise DomainError(
            "A signal's window ends after it starts and spans at most 24 hours.",
            code=Code.INVALID_WINDOW,
            field="endsAt",
        )


async def report_log_signal(uow: UnitOfWork, c: cmd.ReportLogSignal) -> LogSignal:
    """Store one error count of one fingerprint over a window of the service's logs."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    rule = uow.authorize(Action.CREATE, Resource.LOG_SIGNAL, service.bu_id)
    fingerprint = c.fingerprint.strip()
    if not FINGERPRINT.match(fingerprint):
        raise DomainError(
            "A fingerprint is 1-128 letters, digits and . _ : / # -.",
            code=Code.INVALID_FINGERPRINT,
            field="fingerprint",
        )
    if not 0 <= c.count <= MAX_COUNT:
        raise DomainError(f"A count is 0 to {MAX_COUNT}.", code=Code.INVALID_COUNT, field="count")
    now = uow.clock.now()
    _window(c)
    if c.ends_at > now + CLOCK_SKEW:
        raise DomainError(
            "A signal's window cannot end in the future.",
            code=Code.INVALID_WINDOW,
            field="endsAt",
        )
    signal = LogSignal(
        bu_id=service.bu_id,
        service_id=service.id,
        fingerprint=fingerprint,
        message=described(c.message, "message", 2000),
        count=c.count,
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        reported_at=now,
        reported_by=uow.actor.username,
        reported_by_id=uow.actor.person_id,
    )
    await uow.created(signal, action="log_signal.report", bu_id=service.bu_id, rule=rule)
    return signal
