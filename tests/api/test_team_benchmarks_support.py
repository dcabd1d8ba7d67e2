"""Helpers of the team-benchmark tests (no tests here): teams with a support rotation of n
people and a hand-built production history written straight into the change ledger (its rows
are a projection; the benchmarks read nothing else of a change), in a year of their own so no
other test's history joins the cohorts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from api.graphql.relay import from_global_id
from domain.insights.ledger_models import LedgerEntry, LedgerIncident
from domain.kernel.uow import UnitOfWork
from domain.support.models import Rotation
from tests.api.conftest import Api, ids, unique

BENCHMARKS = """query($since: DateTime, $until: DateTime, $tier: Tier, $bu: ID) {
  teamBenchmarks(since: $since, until: $until, tier: $tier, businessUnitId: $bu) {
    start end
    cohorts { key tier sizeBand note peers
      teams { teamId teamKey businessUnitId label anonymised tier sizeBand engineers
        deployments composite
        positions { metric value rank of percentile lowerIsBetter }
        practices { deploysPerWeek automationShare windowShare gates
          strategyMix { strategy share } } }
      best { label }
      bestPractices { teams deploysPerWeek strategyMix { strategy share } gates { gate teams } }
    } } }"""

BENCHMARK = """query($t: ID!, $since: DateTime, $until: DateTime) {
  teamBenchmark(teamId: $t, since: $since, until: $until) {
    teamId
    team { label composite positions { metric value rank of } }
    cohort { key teams { label anonymised } best { label } }
    differences { practice best yours words } } }"""


@dataclass(frozen=True)
class BenchTeam:
    team: str
    team_uid: uuid.UUID
    service_uid: uuid.UUID
    bu_uid: uuid.UUID
    name: str


def year(n: int) -> tuple[datetime, datetime]:
    """A four-week period of its own, in March of year n."""
    start = datetime(n, 3, 1, tzinfo=UTC)
    return start, start + timedelta(weeks=4)


async def bench_team(api: Api, bu: str, engineers: int | None) -> BenchTeam:
    """A new team of `bu` (a key or global id) with one service, and a rotation of n people."""
    bu_id = (await ids(api)).get(bu, bu)
    name = unique("Bench team ")
    made = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": bu_id, "key": unique("bench"), "name": name}},
    )
    team_id = made["teamCreate"]["team"]["id"]
    svc = await api.ok(
        "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } "
        "errors { code } } }",
        {
            "i": {
                "teamId": team_id,
                "key": unique("bsvc"),
                "name": "S",
                "tier": "CRITICAL",
                "dataClassification": "INTERNAL",
                "regions": ["us-east-1"],
            }
        },
    )
    team = BenchTeam(
        team_id,
        from_global_id(team_id, "Team"),
        from_global_id(svc["serviceCreate"]["service"]["id"], "Service"),
        from_global_id(bu_id, "BusinessUnit"),
        name,
    )
    if engineers:
        await _insert(
            api,
            Rotation.__table__,
            [
                {
                    "id": uuid.uuid4(),
                    "bu_id": team.bu_uid,
                    "team_id": team.team_uid,
                    "name": "On call",
                    "members": [str(uuid.uuid4()) for _ in range(engineers)],
                    "handover": "09:00",
                    "tzid": "UTC",
                    "shift_days": 7,
                    "starts_on": "2000-01-03",
                    "version": 1,
                    "created_at": datetime(2000, 1, 1, tzinfo=UTC),
                    "updated_at": datetime(2000, 1, 1, tzinfo=UTC),
                }
            ],
        )
    return team


async def _insert(api: Api, table: Any, rows: list[dict[str, Any]]) -> None:
    async def work(uow: UnitOfWork) -> None:
        await uow.session.execute(insert(table), rows)

    await api.runtime.units.run(work)


async def history(
    api: Api,
    t: BenchTeam,
    start: datetime,
    deployments: int,
    *,
    lead: timedelta | None = None,
    pickup: timedelta | None = None,
    strategy: str = "",
    tier: str = "critical",
    incidents: int = 0,
    restore: timedelta = timedelta(hours=2),
) -> None:
    """`deployments` successful production deployments, one a day from the period's start at
    noon, each a new version whose first commit was `lead` before it (a pull request opened
    then, first reviewed `pickup` later); the first `incidents` of them each followed by an
    incident an hour later, resolved `restore` after it was created."""
    entries, made = [], []
    for n in range(deployments):
        at = start + timedelta(days=n, hours=12)
        first = None if lead is None else at - lead
        entries.append(
            {
                "id": uuid.uuid4(),
                "kind": "deployment",
                "bu_id": t.bu_uid,
                "team_id": t.team_uid,
                "service_id": t.service_uid,
                "tier": tier,
                "at": at,
                "strategy": strategy,
                "artifact_version": f"1.{n}.0",
                "change_types": "",
                "bypassed": False,
                "first_commit_at": first,
                "commit_count": 0 if first is None else 1,
                "pr_opened_at": first if pickup else None,
                "first_review_at": None if first is None or not pickup else first + pickup,
                "lead_seconds": None if lead is None else lead.total_seconds(),
                "rolled_back": False,
                "incident_count": int(n < incidents),
                "hotfixed": False,
                "outcome": "caused_incident" if n < incidents else "succeeded",
                "summary": f"deploy 1.{n}.0",
                "projected_at": at,
            }
        )
        if n < incidents:
            created = at + timedelta(hours=1)
            made.append(
                {
                    "id": uuid.uuid4(),
                    "bu_id": t.bu_uid,
                    "service_id": t.service_uid,
                    "team_id": t.team_uid,
                    "tier": tier,
                    "severity": "SEV2",
                    "created_at": created,
                    "resolved_at": created + restore,
                    "projected_at": created,
                }
            )
    await _insert(api, LedgerEntry.__table__, entries)
    if made:
        await _insert(api, LedgerIncident.__table__, made)


def period(start: datetime, end: datetime) -> dict[str, str]:
    return {"since": start.isoformat(), "until": end.isoformat()}


async def benchmarks(api: Api, as_user: str = "rmo", **v: Any) -> dict[str, Any]:
    data = await api.ok(BENCHMARKS, v, as_user=as_user)
    return data["teamBenchmarks"]  # type: ignore[no-any-return]


def team_of(found: dict[str, Any], label: str) -> dict[str, Any]:
    return next(t for c in found["cohorts"] for t in c["teams"] if t["label"] == label)


def at(team: dict[str, Any], metric: str) -> dict[str, Any]:
    return next(p for p in team["positions"] if p["metric"] == metric)
