"""The outbox delivery worker: fans events out to webhook subscriptions and posts them, signed.

Built by api.composition with a database pool of its own and started by the Runtime (one per
process; processes share the work: claims skip rows another process holds). Each round:

1. a cheap read asks whether anything is due; if not, the worker sleeps `outbox_poll_seconds`;
2. one short transaction claims a batch (leased) and fans events out into one delivery message
   per (subscription, topic);
3. deliveries are posted concurrently with httpx (a timeout each, no redirects), signed with
   the subscription's secret per Standard Webhooks (`webhook-id` = the delivery's id,
   `webhook-timestamp`, `webhook-signature: v1,<base64>`; the deprecated
   `X-Signalbox-Signature` too, for one more release), CDEvents with CloudEvents binary
   headers (ce-id = the event id);
   E-mails (destination `email`: downtime notices) go through SMTP instead (api.notice_mail);
4. one short transaction marks each delivered, or failed with backoff (dead after the last
   attempt; a revoked subscription's deliveries die at once).

Secrets and bodies are never logged; a failure keeps only its status code or error type.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from api.notice_mail import NoticeMailer
from api.settings import Settings
from api.units import Units
from domain.kernel import outbox
from domain.kernel.clock import Clock
from domain.kernel.sealed import Sealer, SealError
from domain.kernel.uow import UnitOfWork
from domain.pipelines import deployment_repository as repo
from domain.pipelines import webhooks
from domain.readiness.notice_messages import EMAIL_DESTINATION

log = logging.getLogger("signalbox.outbox")


@functools.lru_cache(maxsize=8)
def _sealer(key: str | None, data_dir: Path, production: bool) -> Sealer:
    if key:
        return Sealer.from_setting(key)
    if production:
        raise SealError("SIGNALBOX_SECRET_KEY must be set in production")
    return Sealer.load_or_create(data_dir)


def sealer_for(settings: Settings) -> Sealer:
    """The sealer of webhook secrets: from SIGNALBOX_SECRET_KEY, or the data directory's key."""
    return _sealer(settings.secret_key, settings.data_dir.resolve(), settings.production)


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    error: str | None = None
    final: bool = False


class OutboxDelivery:
    def __init__(self, settings: Settings, clock: Clock, units: Units) -> None:
        s = self.settings = settings
        self.clock = clock
        self.units = units
        self.db = units.db
        self.policy = outbox.RetryPolicy(
            base_seconds=s.outbox_backoff_base_seconds,
            cap_seconds=s.outbox_backoff_cap_seconds,
            max_attempts=s.outbox_max_attempts,
            lease_seconds=max(60.0, s.webhook_timeout_seconds * 4),
        )
        self._client = httpx.AsyncClient(timeout=s.webhook_timeout_seconds, follow_redirects=False)
        self.mailer = NoticeMailer(settings, clock)
        self._task: asyncio.Task[None] | None = None
        self._halting = asyncio.Event()

    async def start(self) -> None:
        if self.settings.outbox_delivery_enabled and self._task is None:
            self._halting.clear()
            self._task = asyncio.create_task(self._loop(), name="signalbox-outbox")

    async def halt(self) -> None:
        """Stop the background loop once its round is over (rounds may still be run with
        `run_once`). A round is never cut off half-way: a cancelled statement would leave its
        connection to be reset while the pool closes."""
        if self._task is not None:
            self._halting.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def stop(self) -> None:
        await self.halt()
        await self._client.aclose()
        await self.db.dispose()

    async def _loop(self) -> None:
        poll = self.settings.outbox_poll_seconds
        while not self._halting.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # the next round tries again; delivery never takes the server down
                log.warning("outbox delivery round failed", exc_info=True)
                handled = 0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._halting.wait(), 0 if handled else poll)

    async def run_once(self) -> int:
        """One round: claim, fan out, deliver, record. Returns how many messages it handled."""
        now = self.clock.now()
        async with self.db.read_session() as session:
            if not await outbox.has_due(session, now):
                return 0
        claimed = await self.units.run(lambda uow: self._claim(uow, now))
        deliveries = [m for m in claimed if m.destination is not None]
        if deliveries:
            outcomes = await self._deliver_all(deliveries)
            await self.units.run(lambda uow: self._record(uow, deliveries, outcomes))
        return len(claimed)

    async def _claim(self, uow: UnitOfWork, now: datetime) -> list[outbox.Claimed]:
        """Claim a batch (leased) and fan events out into one message per subscription."""
        batch = self.settings.outbox_batch_size
        claimed = await outbox.claim(uow.session, now=now, limit=batch, policy=self.policy)
        for message in claimed:
            if message.destination is None:
                await webhooks.fan_out(uow.session, message, now)
        return claimed

    async def _record(
        self, uow: UnitOfWork, deliveries: list[outbox.Claimed], outcomes: list[Outcome]
    ) -> None:
        done = self.clock.now()
        for message, result in zip(deliveries, outcomes, strict=True):
            if result.delivered:
                await outbox.mark_delivered(uow.session, message.id, done)
            else:
                await outbox.mark_failed(
                    uow.session,
                    message.id,
                    attempts=message.attempts,
                    error=result.error or "failed",
                    now=done,
                    policy=self.policy,
                    final=result.final,
                )

    async def _deliver_all(self, deliveries: list[outbox.Claimed]) -> list[Outcome]:
        ids = [i for m in deliveries if (i := webhooks.subscription_of(m.destination))]
        async with self.db.read_session() as session:
            subs = await repo.subscriptions_by_ids(session, ids)
        return list(
            await asyncio.gather(
                *(
                    self._deliver(m, subs.get(webhooks.subscription_of(m.destination)))
                    for m in deliveries
                )
            )
        )

    async def _deliver(self, message: outbox.Claimed, sub: Any) -> Outcome:
        if message.destination == EMAIL_DESTINATION:
            return Outcome(*await self.mailer.send(message))
        if sub is None or sub.revoked_at is not None:
            return Outcome(False, "the subscription is revoked or gone", final=True)
        try:
            secret = sealer_for(self.settings).unseal(sub.secret_sealed)
        except SealError as exc:
            return Outcome(False, f"secret unavailable: {exc}")
        body = orjson.dumps(message.payload.get("body"))
        headers = webhooks.delivery_headers(
            topic=message.topic,
            message_id=message.id,
            event_id=str(message.payload.get("eventId") or message.id),
            body=body,
            secret=secret,
            at=self.clock.now(),
        )
        try:
            response = await self._client.post(sub.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(False, type(exc).__name__)
        if 200 <= response.status_code < 300:
            return Outcome(True)
        return Outcome(False, f"HTTP {response.status_code}")
