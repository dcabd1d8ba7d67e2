"""Team benchmarks over a period: every team that deployed to production is ranked among like
teams (`benchmark_rules`), read in nine statements whatever the number of teams.

Cohorts span BUs, so every team of the organization is ranked; a caller sees the teams of the
BUs where it may read the change ledger by name, and every other team anonymised ("a team of
another BU", with its figures and position but no id, name or BU): a benchmark is worth little
without the cohort, and nothing names a team the caller could not look up.

Team size is the number of people in the team's production support rotation (the engineers the
team lists itself); a team without a rotation has an unknown size (its own size band, no
per-engineer frequency). A team's tiers are those of its production deployments in the period.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.calendar import stream_facts as calendar_stream_facts
from domain.compliance import bypass_facts
from domain.insights import benchmark_rules as rules
from domain.insights import dora_rules
from domain.insights import ledger_repository as repo
from domain.insights.dora_queries import change_of, incident_of
from domain.insights.ledger_repository import LedgerFilter
from domain.kernel.access import Resource, Scope
from domain.kernel.reader import Reader
from domain.organization import facts as org_facts
from domain.organization.facts import TeamFacts
from domain.pipelines import automation_facts
from domain.pipelines.stage_gates import production_gates_of_services
from domain.support import facts as support_facts

EVERYWHERE = Scope(everywhere=True)
WEEK_SECONDS = 7 * 86400


@dataclass(frozen=True, slots=True)
class BenchmarkedTeam:
    team: TeamFacts | None
    """None: a team of a BU the caller may not read (anonymised)."""
    label: str
    standing: rules.Standing


@dataclass(frozen=True, slots=True)
class CohortView:
    cohort: rules.Cohort
    teams: tuple[BenchmarkedTeam, ...]
    """The teams placed in the cohort (of the BU asked for, when one was), best first."""
    best: tuple[BenchmarkedTeam, ...]


@dataclass(frozen=True, slots=True)
class BenchmarkView:
    start: datetime
    end: datetime
    cohorts: tuple[CohortView, ...]


@dataclass(frozen=True, slots=True)
class TeamBenchmarkView:
    start: datetime
    end: datetime
    team: TeamFacts
    standing: rules.Standing | None
    """None: the team did not deploy to production in the period."""
    cohort: CohortView | None
    differences: tuple[rules.Difference, ...]


@dataclass(frozen=True, slots=True)
class _Read:
    benchmark: rules.Benchmark
    teams: Mapping[uuid.UUID, TeamFacts]


async def _records(r: Reader, start: datetime, end: datetime) -> _Read:
    """Every team's record of the period (nine statements)."""
    s = r.session
    wide = LedgerFilter(since=start - dora_rules.LOOKBACK, until=end)
    rows = await repo.entries(s, EVERYWHERE, wide)
    incident_rows = await repo.incidents(s, EVERYWHERE, LedgerFilter(since=start, until=end))
    changes: dict[uuid.UUID, list[dora_rules.DoraChange]] = defaultdict(list)
    incidents: dict[uuid.UUID, list[dora_rules.DoraIncident]] = defaultdict(list)
    deployed: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for x in rows:
        changes[x.team_id].append(change_of(x))
        if x.kind == dora_rules.DEPLOYMENT and not x.rolled_back and start <= x.at < end:
            deployed[x.team_id].append(x)
    for i in incident_rows:
        incidents[i.team_id].append(incident_of(i))
    teams = sorted(deployed, key=str)
    services = sorted({x.service_id for xs in deployed.values() for x in xs}, key=str)
    sizes = await support_facts.rotation_sizes(s, teams)
    origins: dict[uuid.UUID, list[bool]] = defaultdict(list)
    for o in await automation_facts.production_deployment_origins(s, teams, start, end):
        origins[o.team_id].append(o.automated)
    bypasses = Counter(
        b.team_id for b in await bypass_facts.bypasses_of_teams(s, teams, start, end)
    )
    gates = await production_gates_of_services(s, services)
    facts = await org_facts.teams(s, teams)
    windows = await calendar_stream_facts.release_windows(
        s, {x.release_id for xs in deployed.values() for x in xs if x.release_id is not None}
    )
    weeks = (end - start).total_seconds() / WEEK_SECONDS
    records = []
    for t in teams:
        keys = dora_rules.four_keys(changes[t], incidents[t], start, end)
        records.append(
            rules.TeamRecord(
                team_id=t,
                bu_id=deployed[t][0].bu_id,
                tiers=frozenset(x.tier for x in deployed[t]),
                engineers=sizes.get(t),
                weeks=weeks,
                deployments=len(keys.deployments),
                lead_time=keys.lead_time,
                change_failure_rate=keys.change_failure_rate,
                recovery_time=keys.time_to_restore,
                review_wait=keys.lead_time_steps.get("pickup"),
                bypasses=bypasses[t],
                origins=len(origins[t]),
                automated=sum(origins[t]),
                strategies=Counter(x.strategy or rules.OTHER for x in deployed[t]),
                in_window=sum(_in_window(x, windows) for x in deployed[t]),
                gates=frozenset(
                    g for svc in {x.service_id for x in deployed[t]} for g in gates.get(svc, ())
                ),
            )
        )
    return _Read(rules.benchmark(records), facts)


def _in_window(x: Any, windows: Mapping[uuid.UUID, list[tuple[datetime, datetime]]]) -> bool:
    return any(a <= x.at <= b for a, b in windows.get(x.release_id, ()))


def _labelled(read: _Read, scope: Scope) -> dict[uuid.UUID, tuple[TeamFacts | None, str]]:
    """Each team by name where the caller may read its BU, else anonymised (numbered by an
    order that tells nothing: the ids')."""
    out: dict[uuid.UUID, tuple[TeamFacts | None, str]] = {}
    hidden = 0
    for t in sorted(read.benchmark.standings, key=str):
        facts = read.teams.get(t)
        if facts is not None and scope.allows(facts.bu_id):
            out[t] = (facts, facts.name)
        else:
            hidden += 1
            out[t] = (None, f"A team of another BU (#{hidden})")
    return out


def _view(
    read: _Read,
    cohort: rules.Cohort,
    names: Mapping[uuid.UUID, tuple[TeamFacts | None, str]],
    bu_id: uuid.UUID | None,
) -> CohortView:
    def team(t: uuid.UUID) -> BenchmarkedTeam:
        facts, label = names[t]
        return BenchmarkedTeam(facts, label, read.benchmark.standings[t])

    listed = [
        t
        for t in cohort.teams
        if bu_id is None or (read.teams.get(t) and read.teams[t].bu_id == bu_id)
    ]
    listed.sort(key=lambda t: _by_composite(read.benchmark.standings[t]))
    return CohortView(cohort, tuple(team(t) for t in listed), tuple(team(t) for t in cohort.best))


def _by_composite(s: rules.Standing) -> tuple[bool, float, str]:
    return (s.composite is None, -(s.composite or 0.0), str(s.team_id))


async def team_benchmarks(
    r: Reader,
    start: datetime,
    end: datetime,
    *,
    tier: str | None = None,
    bu_id: uuid.UUID | None = None,
) -> BenchmarkView:
    """The cohorts of [start, end) (of one tier when asked; listing one BU's teams when asked,
    ranked against the whole cohort); nothing when the caller may read no ledger."""
    scope = r.scope(Resource.CHANGE_LEDGER)
    if bu_id is not None:
        await org_facts.business_unit(r.session, bu_id, readable_in=scope)
    if scope.empty:
        return BenchmarkView(start, end, ())
    read = await _records(r, start, end)
    names = _labelled(read, scope)
    views = [
        _view(read, c, names, bu_id)
        for c in read.benchmark.cohorts
        if tier is None or c.tier == tier
    ]
    return BenchmarkView(start, end, tuple(v for v in views if v.teams or bu_id is None))


async def team_benchmark(
    r: Reader, team_id: uuid.UUID, start: datetime, end: datetime
) -> TeamBenchmarkView:
    """One team's position in its cohort, the practices of the cohort's best and where the
    team's differ (NOT_FOUND outside the BUs where the caller may read the ledger)."""
    scope = r.scope(Resource.CHANGE_LEDGER)
    team = await org_facts.team(r.session, team_id, readable_in=scope)
    read = await _records(r, start, end)
    standing = read.benchmark.standings.get(team_id)
    if standing is None:
        return TeamBenchmarkView(start, end, team, None, None, ())
    cohort = next(c for c in read.benchmark.cohorts if c.key == standing.cohort)
    return TeamBenchmarkView(
        start,
        end,
        team,
        standing,
        _view(read, cohort, _labelled(read, scope), None),
        tuple(rules.differences(standing.practices, cohort.best_practices)),
    )
