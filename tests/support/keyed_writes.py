"""A loop of keyed writes through a PostgreSQL outage, and what it left behind.

Shared by the CI test (tests/api/test_outage.py, TestARestartUnderKeyedWrites) and the bench
(bench/idempotency_outage_bench.py): the test holds the figures to zero, the bench prints them.

Each write is a `teamCreate` with its own team key and its own Idempotency-Key, retried with the
same key every RETRY_EVERY seconds until it gets an answer (bounded by `give_up_after`). Lost: an
acknowledged team missing from the database. Duplicate: an answer reporting the team already
taken (the mutation ran twice), or more than one `team.create` audit record for a team.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select

from domain.compliance import service as compliance
from domain.compliance.models import AuditRecord
from domain.compliance.repository import sealed
from domain.compliance.rules import ChainReport
from domain.organization.models import Team
from tests.api.conftest import Api
from tests.api.test_idempotency_exactly_once import TEAM_CREATE
from tests.support.pg_cluster import Cluster

RETRY_EVERY = 0.25


@dataclass(frozen=True)
class Failure:
    """One answer that was not the mutation's: how it looked on the wire."""

    status: int
    code: str | None
    json: bool
    retry_after: bool

    @property
    def retryable(self) -> bool:
        """The one retryable error of an unavailable database: 503 UNAVAILABLE, JSON, Retry-After."""
        return self.status == 503 and self.code == "UNAVAILABLE" and self.json and self.retry_after

    def __str__(self) -> str:
        extra = "" if self.json else " not-json"
        extra += " retry-after" if self.retry_after else ""
        return f"{self.status} {self.code}{extra}"


@dataclass
class Tally:
    acknowledged: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)  # payload codes: the write ran twice
    failures: Counter[Failure] = field(default_factory=Counter)
    given_up: int = 0
    started: int = 0
    successes_at: list[float] = field(default_factory=list)
    back_at: float | None = None  # when PostgreSQL had been started again

    @property
    def first_success_after_back(self) -> float | None:
        if self.back_at is None:
            return None
        after = [t - self.back_at for t in self.successes_at if t >= self.back_at]
        return min(after) if after else None


@dataclass(frozen=True)
class Stored:
    """What the database holds for the loop's teams, and whether the audit chain is whole."""

    keys: frozenset[str]
    audited_twice: list[str]
    chain: ChainReport


def failure_of(response: httpx.Response) -> Failure | None:
    """None when `response` is the mutation's own answer (200 with data and no errors)."""
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        return Failure(response.status_code, None, json=False, retry_after=False)
    errors = body.get("errors") or []
    if response.status_code == 200 and not errors:
        return None
    code = errors[0].get("extensions", {}).get("code") if errors else None
    json = response.headers.get("content-type", "").startswith("application/json")
    return Failure(response.status_code, code, json, "retry-after" in response.headers)


async def write(
    api: Api, token: str, bu: str, prefix: str, tally: Tally, give_up_after: float
) -> None:
    """One keyed write, retried with the same key until answered or `give_up_after` passed."""
    team = f"{prefix}-{uuid.uuid4().hex[:10]}"
    variables = {"input": {"businessUnitId": bu, "key": team, "name": "Keyed write"}}
    headers = {"idempotency-key": uuid.uuid4().hex}
    deadline = time.monotonic() + give_up_after
    while time.monotonic() < deadline:
        response = await api.post(TEAM_CREATE, variables, token=token, headers=headers)
        failure = failure_of(response)
        if failure is None:
            errors = response.json()["data"]["teamCreate"]["errors"]
            if errors:
                tally.refused[errors[0]["code"]] += 1
            else:
                tally.acknowledged.append(team)
                tally.successes_at.append(time.monotonic())
            return
        tally.failures[failure] += 1
        await asyncio.sleep(RETRY_EVERY)
    tally.given_up += 1


async def payments(api: Api, token: str) -> str:
    found = await api.ok("{ businessUnits { nodes { id key } } }", token=token)
    return str(next(n["id"] for n in found["businessUnits"]["nodes"] if n["key"] == "payments"))


async def write_through_outage(
    api: Api,
    cluster: Cluster,
    *,
    seconds: float,
    rate: float,
    outage: float,
    prefix: str,
    give_up_after: float,
) -> Tally:
    """Writes at `rate` for `seconds`; PostgreSQL is stopped for `outage` seconds midway."""
    token = api.token("rmo")
    bu = await payments(api, token)
    tally = Tally()
    tasks: list[asyncio.Task[None]] = []
    start = time.monotonic()
    stop_at, back_at = start + (seconds - outage) / 2, start + (seconds + outage) / 2
    stopped = False
    while (now := time.monotonic()) < start + seconds:
        if not stopped and now >= stop_at:
            await asyncio.to_thread(cluster.stop)
            stopped = True
        if stopped and tally.back_at is None and now >= back_at:
            await asyncio.to_thread(cluster.start)
            tally.back_at = time.monotonic()
        tasks.append(asyncio.create_task(write(api, token, bu, prefix, tally, give_up_after)))
        await asyncio.sleep(1 / rate)
    if stopped and tally.back_at is None:  # a loop too short to reach the restart
        await asyncio.to_thread(cluster.start)
        tally.back_at = time.monotonic()
    await asyncio.gather(*tasks)
    tally.started = len(tasks)
    return tally


async def stored(api: Api, prefix: str) -> Stored:
    """The loop's teams in the database, those audited more than once, the chain verified."""
    async with api.runtime.db.read_session() as session:
        keys = frozenset(
            await session.scalars(select(Team.key).where(Team.key.like(f"{prefix}-%")))
        )
        await sealed(session)  # the writes' audit entries are journaled on PostgreSQL
        audits = await session.execute(
            select(Team.key, func.count())
            .join(
                AuditRecord,
                AuditRecord.entity_id == func.cast(Team.id, AuditRecord.entity_id.type),
            )
            .where(Team.key.like(f"{prefix}-%"), AuditRecord.action == "team.create")
            .group_by(Team.key)
        )
        twice = [key for key, n in audits if n > 1]
    async with api.runtime.system_unit_of_work() as uow:
        chain = await compliance.verify_audit_trail(uow)
    return Stored(keys, twice, chain)
