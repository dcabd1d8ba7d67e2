"""Defect patterns over a period, from the facts of each BU: judged by the pure rules
(`defect_rules`), announced once per pattern and period (a row, an audit record and an outbox
webhook `defect.pattern.detected`), and exported to backlog tools."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel import outbox
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.pipelines import production_deployments as production
from domain.pipelines.webhooks import WebhookTopic
from domain.postrelease import defect_backlog as backlog
from domain.postrelease import defect_repository as repo
from domain.postrelease import defect_rules as rules
from domain.postrelease.defect_errors import DefectErrorCode as Code
from domain.postrelease.defect_models import DefectPattern

TOPIC = WebhookTopic.DEFECT_PATTERN_DETECTED.value
PERIOD_DAYS = 28
"""The sweep's detection period: 28 days, aligned (`defect_rules.aligned_period`)."""
DEFAULT = rules.Thresholds()


@dataclass(frozen=True, slots=True)
class BuFacts:
    bu_key: str
    facts: rules.PeriodFacts
    defects: dict[uuid.UUID, rules.DefectFacts]


def _defect(r: Any) -> rules.DefectFacts:
    return rules.DefectFacts(
        r.id,
        r.service_id,
        r.service_key,
        r.title,
        r.component,
        r.change_type,
        r.root_cause,
        r.escaped_layer,
        r.severity,
        r.found_at,
    )


async def _production_deployments(
    session: AsyncSession, bu_ids: Collection[uuid.UUID], period: rules.Period
) -> tuple[Counter[uuid.UUID], Counter[uuid.UUID]]:
    """Deployments (not rollbacks) to production per service, Signalbox's and CD tools': this
    period, the previous."""
    before, now = await production.counted_by_service(
        session, bu_ids, period.previous.start, period.start, period.end
    )
    return now, before


async def facts_of(
    session: AsyncSession, bu_ids: Collection[uuid.UUID] | None, period: rules.Period
) -> dict[uuid.UUID, BuFacts]:
    """The facts of each BU (of `bu_ids`, every one when None) with a defect in the period, in
    five statements whatever the number of BUs."""
    rows = await repo.defects_between(session, bu_ids, period.previous.start, period.end)
    by_bu: dict[uuid.UUID, list[rules.DefectFacts]] = defaultdict(list)
    for row in rows:
        by_bu[row.bu_id].append(_defect(row))
    active = sorted(
        (bu for bu, found in by_bu.items() if any(period.holds(d.found_at) for d in found)),
        key=str,
    )
    if not active:
        return {}
    now, before = await _production_deployments(session, active, period)
    releases: dict[uuid.UUID, Counter[str]] = defaultdict(Counter)
    for r in await repo.finished_releases(session, active, period.start, period.end):
        releases[r.bu_id].update(set(r.change_types or []))
    keys = await repo.business_unit_keys(session, active)
    out: dict[uuid.UUID, BuFacts] = {}
    for bu in active:
        found = tuple(by_bu[bu])
        facts = rules.PeriodFacts(period, found, now, before, releases[bu])
        out[bu] = BuFacts(keys.get(bu, str(bu)), facts, {d.id: d for d in found})
    return out


def rule_text(t: rules.Thresholds, days: int) -> str:
    return (
        f"defect patterns over {days}-day periods: recurring at {t.recurring}, rising escape "
        f"rate at {t.rising_min_defects} defects, the {t.change_type_top} worst change types "
        f"at {t.change_type_min_defects} defects"
    )


async def announce_new(
    uow: UnitOfWork,
    bu_ids: Collection[uuid.UUID] | None = None,
    *,
    thresholds: rules.Thresholds = DEFAULT,
    days: int = PERIOD_DAYS,
) -> list[DefectPattern]:
    """Record and announce the patterns of the current period not announced yet (in these BUs,
    every one when None): each once, whoever finds it first (the sweep or a recording)."""
    now = uow.clock.now()
    period = rules.aligned_period(now, days)
    found = await facts_of(uow.session, bu_ids, period)
    candidates = [
        (bu, facts, p)
        for bu, facts in found.items()
        for p in rules.patterns(facts.facts, thresholds)
    ]
    known = await repo.known_patterns(
        uow.session, [(bu, p.kind.value, p.subject, period.start) for bu, _, p in candidates]
    )
    made: list[DefectPattern] = []
    for bu, facts, p in candidates:
        if (bu, p.kind.value, p.subject) in known:
            continue
        item = backlog.items(facts.bu_key, period, [p], facts.defects)[0]
        row = DefectPattern(
            id=uuid.uuid4(),
            bu_id=bu,
            kind=p.kind.value,
            subject=p.subject,
            period_start=period.start,
            period_end=period.end,
            item_type=p.item_type.value,
            defects=p.defects,
            rate=p.rate,
            previous_rate=p.previous_rate,
            summary=item.summary[:300],
            detected_at=now,
        )
        if await _recorded(uow, row, thresholds, days):
            await _announce(uow, row, item)
            made.append(row)
    return made


async def _recorded(
    uow: UnitOfWork, row: DefectPattern, thresholds: rules.Thresholds, days: int
) -> bool:
    """Insert the pattern unless a concurrent unit did first (then it announces it)."""
    try:
        async with uow.session.begin_nested():
            await uow.created(
                row,
                action="defect_pattern.detect",
                bu_id=row.bu_id,
                rule=rule_text(thresholds, days),
            )
    except IntegrityError:
        return False
    return True


async def _announce(uow: UnitOfWork, row: DefectPattern, item: backlog.BacklogItem) -> None:
    body = {"patternId": str(row.id), **backlog.item_json(item)}
    await outbox.enqueue(
        uow.session,
        topic=TOPIC,
        key=f"defect_pattern:{row.bu_id}:{row.kind}:{row.subject}:{row.period_start:%Y%m%d}",
        payload={"forms": {TOPIC: body}},
        now=uow.clock.now(),
        bu_id=row.bu_id,
    )


# -- export ------------------------------------------------------------------------------------

MAX_EXPORT_DAYS = rules.MAX_PERIOD_DAYS


def export_period(start: datetime | None, end: datetime | None, now: datetime) -> rules.Period:
    """[start, end): by default the 28 days up to now; at most a year, not after now."""
    if any(t is not None and t.tzinfo is None for t in (start, end)):
        raise DomainError(
            "A period's times carry their UTC offset.", code=Code.INVALID_PERIOD, field="since"
        )
    end = min(end or now, now)
    try:
        start = start or end - timedelta(days=PERIOD_DAYS)
    except OverflowError:  # an end in the first days of year 1
        start = end
    if not start < end or end - start > timedelta(days=MAX_EXPORT_DAYS):
        raise DomainError(
            f"A period starts before it ends, at most {MAX_EXPORT_DAYS} days long and not after "
            "now.",
            code=Code.INVALID_PERIOD,
            field="since",
        )
    return rules.Period(start, end)


def thresholds(
    recurring: int | None = None,
    rising_min_defects: int | None = None,
    change_type_min_defects: int | None = None,
    change_type_top: int | None = None,
) -> rules.Thresholds:
    """The default thresholds with those given (each 1 to 1000)."""
    given = {
        "recurring": recurring,
        "rising_min_defects": rising_min_defects,
        "change_type_min_defects": change_type_min_defects,
        "change_type_top": change_type_top,
    }
    chosen = {k: v for k, v in given.items() if v is not None}
    for name, value in chosen.items():
        if not 1 <= value <= 1000:
            raise DomainError("A threshold is 1 to 1000.", code=Code.INVALID_THRESHOLD, field=name)
    return replace(DEFAULT, **chosen)


async def backlog_of(
    r: Reader,
    period: rules.Period,
    t: rules.Thresholds,
    *,
    action: Action = Action.EXPORT,
    bu_ids: Sequence[uuid.UUID] | None = None,
) -> list[backlog.BacklogItem]:
    """The patterns of the period in the BUs where the reader may `action` defects (and of
    `bu_ids`, when given), as backlog items: BU by BU, kind by kind."""
    scope = r.authorizer.scope(r.actor, action, Resource.DEFECT)
    if scope.empty:
        return []
    wanted = None if scope.everywhere else set(scope.bu_ids)
    if bu_ids is not None:
        wanted = {b for b in bu_ids if scope.allows(b)}
    found = await facts_of(r.session, wanted, period)
    out: list[backlog.BacklogItem] = []
    for _bu, facts in sorted(found.items(), key=lambda t: t[1].bu_key):
        out += backlog.items(facts.bu_key, period, rules.patterns(facts.facts, t), facts.defects)
    return out
