"""The built-in runner of synthetic journeys (infrastructure): the housekeeping sweep plans the
journeys due (after each production deployment, on their schedules, asked for now), takes the
due ones as claimed in the database, runs them over HTTP with httpx, and records each run
through the domain's use case (domain.postrelease.journey_claims).

Bounds: a few journeys at once, a timeout per step and per journey, redirects followed only
to the same allowed host (never elsewhere), response bodies read up to a size limit, every
target re-checked as rendered (allowed host; outside development never an internal address).
Secret header values are unsealed only to be sent: never logged, never recorded."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from api.outbox_delivery import sealer_for
from api.settings import Settings
from api.units import Units
from domain.kernel.clock import Clock
from domain.kernel.errors import DomainError
from domain.kernel.sealed import SealError
from domain.kernel.uow import UnitOfWork
from domain.postrelease import journey_cdevents
from domain.postrelease import journey_claims as claims
from domain.postrelease import journey_rules as rules
from domain.postrelease import journey_targets as targets
from domain.postrelease import journey_templates as templates
from domain.postrelease.journey_assertions import Observed, judge_step
from domain.postrelease.journey_commands import ReportJourneyResult, StepResult
from domain.postrelease.journey_models import JourneyRun
from domain.postrelease.journey_vocabulary import Runner

log = logging.getLogger("signalbox.journeys")
CONCURRENCY = 4
BATCH = 20
MAX_RESPONSE_BYTES = 1_048_576
MAX_REDIRECTS = 5
USER_AGENT = "Signalbox-Journeys/1"


class TooLarge(Exception):
    pass


async def _read_bounded(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None


def _completing(
    claim_id: uuid.UUID, result: ReportJourneyResult
) -> Callable[[UnitOfWork], Awaitable[JourneyRun]]:
    async def complete(uow: UnitOfWork) -> JourneyRun:
        return await claims.complete(uow, claim_id, result)

    return complete


class JourneyRunner:
    """Runs the journeys claimed for this worker; `transport` is for tests (ASGI, mocks)."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        units: Units,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._units = units
        self._transport = transport
        self._development = not settings.production

    async def sweep(self) -> int:
        """Plan what is due, then run what this worker claimed; returns how many ran."""
        await self._units.run(claims.plan)
        await self._units.run(journey_cdevents.ingest)
        ran = 0
        for _ in range(10):  # bounded: at most 10 batches a sweep
            work = await self._units.run(lambda uow: claims.take(uow, BATCH))
            if not work:
                break
            ran += len(await self.run_all(work))
        return ran

    async def run_claim(self, claim_id: uuid.UUID) -> JourneyRun | None:
        """Run one claim now (a run asked for by a person), if it is still due."""
        work = await self._units.run(lambda uow: claims.take(uow, BATCH))
        mine = [w for w in work if w.claim_id == claim_id]
        others = [w for w in work if w.claim_id != claim_id]
        runs = await self.run_all(mine + others)
        return runs[0] if mine and runs else None

    async def run_all(self, work: list[claims.Work]) -> list[JourneyRun]:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(w: claims.Work) -> ReportJourneyResult:
            async with gate:
                return await self.run_journey(w)

        results = await asyncio.gather(*(one(w) for w in work))
        runs = []
        for w, result in zip(work, results, strict=True):
            try:
                runs.append(await self._units.run(_completing(w.claim_id, result)))
            except DomainError as exc:
                # The journey changed under the run (removed, say): the claim is taken again
                # after its lease, at most MAX_ATTEMPTS times in all; the others are recorded.
                log.warning(
                    "journey run not recorded",
                    extra={"journey": w.journey_key, "code": str(exc.code)},
                )
        return runs

    def _unseal(self) -> Callable[[str], str]:
        try:
            sealer = sealer_for(self._settings)
        except SealError:
            sealer = None

        def unseal(sealed: str) -> str:
            if sealer is None:
                raise SealError("no secret key to unseal a journey's header")
            return sealer.unseal(sealed)

        return unseal

    async def run_journey(self, w: claims.Work) -> ReportJourneyResult:
        """Run the journey's steps in order, carrying captured values; stop at the first
        failing step (later ones depend on it)."""
        started = self._clock.now()
        budget = min(rules.MAX_JOURNEY_SECONDS, sum(s["timeoutMs"] for s in w.steps) / 1000 + 1)
        results: list[StepResult] = []
        values: dict[str, str] = {}
        unseal = self._unseal()
        async with httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,
            headers={"user-agent": USER_AGENT},
            trust_env=False,
        ) as client:
            try:
                async with asyncio.timeout(budget):
                    for step in w.steps:
                        result, captured = await self._step(client, step, w.hosts, values, unseal)
                        results.append(result)
                        values |= captured
                        if not result.passed:
                            break
            except TimeoutError:
                results.append(
                    StepResult("(journey)", False, failures=(f"journey took over {budget:.0f} s",))
                )
        passed = bool(results) and all(r.passed for r in results) and len(results) == len(w.steps)
        failed = next((r for r in results if not r.passed), None)
        return ReportJourneyResult(
            journey_id=w.journey_id,
            passed=passed,
            started_at=started,
            finished_at=max(self._clock.now(), started),
            runner=Runner.BUILT_IN.value,
            trigger=w.trigger,
            summary="" if failed is None else f"{failed.name}: {'; '.join(failed.failures)}",
            steps=tuple(results),
            deployment_id=w.deployment_id,
            follow_latest=False,
        )

    async def _step(
        self,
        client: httpx.AsyncClient,
        step: Mapping[str, Any],
        hosts: list[str],
        values: Mapping[str, str],
        unseal: Callable[[str], str],
    ) -> tuple[StepResult, dict[str, str]]:
        name = str(step["name"])
        try:
            headers = {
                h["name"]: unseal(h["sealed"])
                if "sealed" in h
                else templates.render(h["value"], values)
                for h in step["headers"]
            }
        except SealError:
            return StepResult(name, False, failures=("a secret header cannot be unsealed",)), {}
        body = step.get("body")
        content = templates.render(body, values).encode() if body is not None else None
        url = templates.render(step["url"], values)
        seen = await self._exchange(
            client, step["method"], url, headers, content, step["timeoutMs"] / 1000, hosts
        )
        judged = judge_step(rules.assertions_of(step), rules.captures_of(step), seen)
        result = StepResult(
            name,
            judged.passed,
            seen.status,
            round(seen.latency_ms, 1),
            judged.failures,
        )
        return result, judged.captured

    async def _exchange(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        seconds: float,
        hosts: list[str],
    ) -> Observed:
        began = time.monotonic()

        def elapsed() -> float:
            return (time.monotonic() - began) * 1000

        origin = urlsplit(url).hostname
        try:
            for _ in range(MAX_REDIRECTS + 1):
                refusal = targets.target_refusal(url, hosts, development=self._development)
                if refusal is not None:
                    return Observed(None, elapsed(), error=f"not sent: {refusal}")
                request = client.build_request(
                    method, url, headers=headers, content=content, timeout=seconds
                )
                response = await client.send(request, stream=True)
                try:
                    if response.is_redirect and "location" in response.headers:
                        target = urljoin(url, response.headers["location"])
                        if urlsplit(target).hostname != origin:
                            return Observed(
                                response.status_code,
                                elapsed(),
                                error="redirect to another host not followed",
                            )
                        url = target
                        continue
                    raw = await _read_bounded(response)
                finally:
                    await response.aclose()
                return Observed(response.status_code, elapsed(), _json(raw), dict(response.headers))
            return Observed(None, elapsed(), error=f"more than {MAX_REDIRECTS} redirects")
        except TooLarge:
            return Observed(None, elapsed(), error=f"response over {MAX_RESPONSE_BYTES} bytes")
        except httpx.TimeoutException:
            return Observed(None, elapsed(), error=f"no response within {seconds:.1f} s")
        except httpx.HTTPError as exc:
            # The error's class only: its text may echo the URL's query or a header.
            return Observed(None, elapsed(), error=f"request failed ({type(exc).__name__})")
