"""`signalbox import-history FILE.jsonl`: a CD tool's (and an operations tool's) history, one
JSON object a line, imported as the named user through the same use case as the GraphQL
mutation `deploymentHistoryImport`.

A line is a deployment, `{"service": KEY, "environment": KEY, "artifactVersion", "startedAt",
"finishedAt", "outcome", "strategy"?, "commits"?: {"firstCommitAt", "count"},
"pullRequest"?: {"openedAt", "firstReviewAt"?, "approvedAt"?, "mergedAt"?}}`, or an incident,
`{"service": KEY, "incident": {"incidentRef", "detectedAt", "resolvedAt"?, "severity",
"description"?}}`. The whole file is read and parsed before anything is stored; then each
service's lines go in batches of at most MAX_RECORDS, each all or nothing. A refused batch
stops the import, its problems named by line; the batches before it stay (importing the
file again after fixing it adds only what is missing).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from api.runtime import Runtime
from domain.guardrails.errors import GuardrailProblems
from domain.insights import history_service
from domain.kernel.access import Actor
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization import repository as org_repo
from domain.organization.facts import service_id_by_key
from domain.pipelines import history_commands as cmd
from domain.pipelines.history_rules import MAX_RECORDS


class HistoryFileError(ValueError):
    """A line that is not a record: its number and why."""


@dataclass
class Batch:
    service: str
    records: list[tuple[int, cmd.HistoricDeployment]] = field(default_factory=list)
    incidents: list[tuple[int, cmd.HistoricIncident]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.records) + len(self.incidents)


def _at(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise HistoryFileError(f"{name} is an RFC 3339 time")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HistoryFileError(f"{name} is an RFC 3339 time") from None


def _maybe(value: Any, name: str) -> datetime | None:
    return None if value is None else _at(value, name)


def _deployment(o: Mapping[str, Any]) -> cmd.HistoricDeployment:
    c, pr = o.get("commits"), o.get("pullRequest")
    return cmd.HistoricDeployment(
        artifact_version=str(o.get("artifactVersion", "")),
        started_at=_at(o.get("startedAt"), "startedAt"),
        finished_at=_at(o.get("finishedAt"), "finishedAt"),
        outcome=str(o.get("outcome", "")),
        environment_key=str(o.get("environment", "")),
        strategy=o.get("strategy"),
        commits=cmd.CommitTimes(
            _at(c.get("firstCommitAt"), "commits.firstCommitAt"), int(c.get("count", 0))
        )
        if isinstance(c, dict)
        else None,
        pull_request=cmd.PullRequestTimes(
            _at(pr.get("openedAt"), "pullRequest.openedAt"),
            _maybe(pr.get("firstReviewAt"), "pullRequest.firstReviewAt"),
            _maybe(pr.get("approvedAt"), "pullRequest.approvedAt"),
            _maybe(pr.get("mergedAt"), "pullRequest.mergedAt"),
        )
        if isinstance(pr, dict)
        else None,
    )


def _incident(o: Mapping[str, Any]) -> cmd.HistoricIncident:
    return cmd.HistoricIncident(
        incident_ref=str(o.get("incidentRef", "")),
        detected_at=_at(o.get("detectedAt"), "incident.detectedAt"),
        severity=str(o.get("severity", "")),
        resolved_at=_maybe(o.get("resolvedAt"), "incident.resolvedAt"),
        description=str(o.get("description", "")),
    )


def batches(lines: Iterable[str], size: int = MAX_RECORDS) -> list[Batch]:
    """The file's records by service, in batches of at most `size`, in the order they came;
    HistoryFileError names the first line that is not a record."""
    out: list[Batch] = []
    current: dict[str, Batch] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
            if not isinstance(o, dict) or not isinstance(o.get("service"), str):
                raise HistoryFileError("a record is an object naming its service")
            service = o["service"]
            batch = current.get(service)
            if batch is None or batch.size >= size:
                batch = current[service] = Batch(service)
                out.append(batch)
            if isinstance(o.get("incident"), dict):
                batch.incidents.append((n, _incident(o["incident"])))
            else:
                batch.records.append((n, _deployment(o)))
        except (HistoryFileError, ValueError, TypeError) as exc:
            raise HistoryFileError(f"line {n}: {exc}") from None
    return out


def _line_of(b: Batch, field_name: str | None) -> str:
    """`records[3].finishedAt` as `line 17 finishedAt`."""
    if not field_name or "[" not in field_name:
        return field_name or ""
    kind, _, rest = field_name.partition("[")
    index, _, name = rest.partition("]")
    rows = b.records if kind == "records" else b.incidents
    return f"line {rows[int(index)][0]} {name.lstrip('.')}".strip()


def refusal_lines(b: Batch, exc: DomainError) -> list[str]:
    problems = exc.problems if isinstance(exc, GuardrailProblems) else [exc]
    return [f"{_line_of(b, p.field)}: {p.code}: {p.message}" for p in problems]


async def _actor(runtime: Runtime, username: str) -> Actor:
    async with runtime.db.read_session() as s:
        person = await org_repo.person_by_username(s, username)
    if person is None or not person.active:
        raise ImportRefused([], [f"No active user {username!r}; see `signalbox users list`."])
    return Actor(
        person_id=person.id,
        username=person.username,
        display_name=person.display_name,
        subjects=(f"person:{person.id}",),
        via="cli",
    )


async def import_batches(runtime: Runtime, found: list[Batch], username: str) -> list[str]:
    """Import the batches in order as the user; one line of counts per batch. A refusal raises
    ImportRefused with the lines so far and the problems by line."""
    actor = await _actor(runtime, username)
    done: list[str] = []
    for b in found:
        async with runtime.db.read_session() as s:
            service_id = await service_id_by_key(s, b.service)
        if service_id is None:
            raise ImportRefused(done, [f"{b.service}: no such service"])
        c = cmd.ImportHistory(
            service_id, tuple(r for _, r in b.records), tuple(i for _, i in b.incidents)
        )
        try:
            r = await _run(runtime, c, actor)
        except DomainError as exc:
            problems = [f"{b.service}: {line}" for line in refusal_lines(b, exc)]
            raise ImportRefused(done, problems) from None
        done.append(
            f"{b.service}: {r.added} deployments added, {r.known} known; "
            f"{r.incidents_added} incidents added, {r.incidents_known} known"
        )
    return done


async def _run(runtime: Runtime, c: cmd.ImportHistory, actor: Actor) -> Any:
    async def use_case(uow: UnitOfWork) -> Any:
        return await history_service.import_history(uow, c)

    return await runtime.units.run(use_case, actor=actor)


class ImportRefused(Exception):
    def __init__(self, done: list[str], problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.done = done
        self.problems = problems
