"""Journey results from CDEvents: a stored `testsuiterun.finished` whose test suite's id (or
name) is a journey's key in the event's BU is recorded as that journey's run, once (the run's
external id is the stored event's). `customData.service` names the service when two services
of the BU have a journey of that key; an ambiguous or unknown suite is left alone.

Pipelines stores the event and never learns of journeys; the housekeeping sweep brings the
results here (domain.pipelines.test_suite_events)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from domain.kernel.access import Action, Resource
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import test_suite_events as suites
from domain.pipelines.test_suite_events import FinishedTestSuite
from domain.postrelease import journey_repository as repo
from domain.postrelease.journey_commands import ReportJourneyResult
from domain.postrelease.journey_runs import record
from domain.postrelease.journey_vocabulary import Runner, RunTrigger

LOOKBACK = timedelta(hours=6)


def ref_of(event: FinishedTestSuite) -> str:
    return f"cdevents:{event.id}"


def _duration(custom: dict[str, Any]) -> timedelta:
    value = custom.get("durationMs")
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 3.6e6:
        return timedelta(milliseconds=float(value))
    return timedelta(0)


async def ingest(uow: UnitOfWork) -> int:
    """Record the journey results CDEvents reported lately; returns how many were new."""
    uow.authorize(Action.CREATE, Resource.JOURNEY_RUN, None)
    since = uow.clock.now() - LOOKBACK
    bu_ids = await repo.bu_ids_with_journeys(uow.session)
    events = await suites.finished_since(uow.session, bu_ids, since)
    done = await repo.reported_refs(uow.session, Runner.CDEVENTS, [ref_of(e) for e in events])
    events = [e for e in events if ref_of(e) not in done]
    keys = {k for e in events for k in (e.suite_id, e.suite_name) if k}
    found = await repo.journeys_by_keys(uow.session, bu_ids, keys)
    services = await org_facts.services(uow.session, {j.service_id for j in found})
    by_key: dict[tuple[Any, str], list[Any]] = defaultdict(list)
    for j in found:
        by_key[(j.bu_id, j.key)].append(j)
    added = 0
    for e in events:
        candidates = by_key.get((e.bu_id, e.suite_id)) or by_key.get((e.bu_id, e.suite_name), [])
        wanted = e.custom.get("service")
        if isinstance(wanted, str):
            candidates = [j for j in candidates if services[j.service_id].key == wanted]
        if len(candidates) != 1:
            continue
        await record(
            uow,
            ReportJourneyResult(
                journey_id=candidates[0].id,
                passed=e.passed,
                started_at=e.at - _duration(e.custom),
                finished_at=e.at,
                runner=Runner.CDEVENTS.value,
                trigger=RunTrigger.EXTERNAL.value,
                external_id=ref_of(e),
                summary=str(e.custom.get("summary", ""))[:2000],
            ),
        )
        added += 1
    return added
