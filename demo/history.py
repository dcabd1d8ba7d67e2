"""A year of deployment history in the living world, imported as a CD tool and an operations
tool remember it (`deploymentHistoryImport`, as the RMO), so `doraMetrics`, the change ledger
and the value stream show real trends on `make run`.

The payments BU's services in production-eu, from a year before loading up to each service's
onboarding (its first governed record, or the moment of loading): the acquiring and payouts
teams improve over the year (they deploy more often, in smaller changes, with canaries, so lead
time and failures fall and incidents are restored faster); the ledger team degrades (fewer,
bigger, manual releases; more rollbacks and incidents, restored more slowly). A few deployments
fail or roll back, and incidents follow some deployments. The card gateway keeps only its
governed story (demo/defects.py, demo/insights_ledger.py): its figures are the ones the
ledger's demo test reads. Incidents stop two weeks before loading, so the attribution sweep
(which looks back 14 days) opens no post-mortem for history.

Deterministic: a random generator seeded per service, every time relative to the moment of
loading.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.environments.facts import environment_id_by_key
from domain.insights import history_service
from domain.kernel.uow import UnitOfWork
from domain.pipelines import history_commands as cmd
from domain.pipelines import history_facts

if TYPE_CHECKING:
    from api.runtime import Runtime

ENVIRONMENT = "production-eu"
YEAR = timedelta(days=365)
QUIET = timedelta(days=15)
"""No imported incident in the last QUIET: the attribution sweep looks back 14 days."""


@dataclass(frozen=True, slots=True)
class Course:
    """How a team's delivery moves from a year ago (`then`) to loading (`now`)."""

    per_week: tuple[float, float]
    lead_days: tuple[float, float]
    rollback: tuple[float, float]
    incident: tuple[float, float]
    restore_hours: tuple[float, float]
    strategies: tuple[str, str]

    def at(self, field: tuple[float, float], progress: float) -> float:
        then, now = field
        return then + (now - then) * progress


IMPROVING = Course(
    (1.5, 6.0), (9.0, 1.0), (0.12, 0.03), (0.10, 0.03), (8.0, 1.5), ("manual", "canary")
)
STEADY_BETTER = Course(
    (2.5, 4.5), (5.0, 2.0), (0.08, 0.04), (0.07, 0.04), (5.0, 2.5), ("rolling", "canary")
)
DEGRADING = Course(
    (4.0, 1.5), (2.0, 8.0), (0.04, 0.15), (0.04, 0.14), (2.0, 10.0), ("rolling", "manual")
)
SERVICES = {
    # acquiring: the card gateway's team (the gateway keeps its governed story only)
    "authorization-engine": IMPROVING,
    "tokenization": IMPROVING,
    "three-ds-server": IMPROVING,
    # payouts
    "payout-scheduler": STEADY_BETTER,
    "fx-rates": STEADY_BETTER,
    "settlement": STEADY_BETTER,
    "merchant-statements": STEADY_BETTER,
    # ledger: the team whose delivery got worse this year
    "ledger-core": DEGRADING,
    "reconciliation": DEGRADING,
    "dispute-service": DEGRADING,
}


def _weekday(at: datetime) -> bool:
    return at.weekday() < 5


def history_of(
    service_id: uuid.UUID, key: str, env_key: str, now: datetime, until: datetime
) -> cmd.ImportHistory | None:
    """A service's year up to `until`: its deployments and the incidents that followed some."""
    course = SERVICES[key]
    rng = random.Random(f"signalbox-demo-history:{key}")  # noqa: S311 (demo data, not secrets)
    records: list[cmd.HistoricDeployment] = []
    incidents: list[cmd.HistoricIncident] = []
    start = (now - YEAR).replace(hour=0, minute=0, second=0, microsecond=0)
    day = start
    n = 0
    while day < until:
        progress = (day - start) / YEAR
        chance = course.at(course.per_week, progress) / 5
        if _weekday(day) and rng.random() < chance:
            made = _deployment(rng, key, course, env_key, day, progress, n)
            if made.finished_at < until:
                records.append(made)
                incident = _incident(rng, key, course, made, progress, n)
                if incident is not None and (incident.resolved_at or now) < min(until, now - QUIET):
                    incidents.append(incident)
                n += 1
        day += timedelta(days=1)
    if not records:
        return None
    return cmd.ImportHistory(service_id, tuple(records), tuple(incidents))


def _deployment(
    rng: random.Random,
    key: str,
    course: Course,
    env_key: str,
    day: datetime,
    progress: float,
    n: int,
) -> cmd.HistoricDeployment:
    started = day + timedelta(hours=9, minutes=rng.randrange(0, 7 * 60))
    finished = started + timedelta(minutes=rng.randrange(6, 30))
    lead = timedelta(days=course.at(course.lead_days, progress) * rng.uniform(0.5, 1.5))
    first = finished - lead
    roll = rng.random()
    failed = roll < 0.02
    rolled_back = not failed and roll < 0.02 + course.at(course.rollback, progress)
    outcome = "failed" if failed else "rolled_back" if rolled_back else "succeeded"
    strategy = course.strategies[1] if rng.random() < progress else course.strategies[0]
    return cmd.HistoricDeployment(
        artifact_version=f"{started:%Y.%m.%d}-{n}",
        started_at=started,
        finished_at=finished,
        outcome=outcome,
        environment_key=env_key,
        strategy=strategy,
        commits=cmd.CommitTimes(first, rng.randrange(1, 4 + int(lead.days * 2))),
        pull_request=cmd.PullRequestTimes(
            first + lead * rng.uniform(0.25, 0.4),
            first + lead * rng.uniform(0.45, 0.6),
            first + lead * rng.uniform(0.62, 0.75),
            first + lead * rng.uniform(0.78, 0.9),
        ),
    )


def _incident(
    rng: random.Random,
    key: str,
    course: Course,
    d: cmd.HistoricDeployment,
    progress: float,
    n: int,
) -> cmd.HistoricIncident | None:
    if d.outcome != "succeeded" or rng.random() >= course.at(course.incident, progress):
        return None
    detected = d.finished_at + timedelta(minutes=rng.randrange(20, 6 * 60))
    restore = timedelta(hours=course.at(course.restore_hours, progress) * rng.uniform(0.5, 1.5))
    return cmd.HistoricIncident(
        incident_ref=f"HIST-{key}-{n}",
        detected_at=detected,
        severity=rng.choice(("SEV2", "SEV3", "SEV3", "SEV4")),
        resolved_at=detected + restore,
        description=f"{key} degraded after {d.artifact_version} (imported from the on-call log)",
    )


async def load_history(runtime: Runtime, cast: Cast) -> None:
    """Import each service's year, one batch per service, as the RMO."""
    now = runtime.clock.now()
    wanted = {cast.services[k]: k for k in SERVICES if k in cast.services}
    async with runtime.db.read_session() as session:
        if await environment_id_by_key(session, ENVIRONMENT) is None:
            return
        onboarded = await history_facts.onboarded_at(session, list(wanted), now)
    for service_id, key in wanted.items():
        until = onboarded[service_id] - timedelta(days=1)
        c = history_of(service_id, key, ENVIRONMENT, now, until)
        if c is None:
            continue

        async def run(uow: UnitOfWork, c: cmd.ImportHistory = c) -> None:
            await history_service.import_history(uow, c)

        await runtime.units.run(run, actor=cast.actor("rmo"))
