"""The rules of a deployment history import, pure.

History is what happened before Signalbox governed the service: every time in it lies strictly
before the service's onboarding, the earliest governed record of it (a promotion asked, a
deployment planned or reported here), or before now when there is none yet. A record is known
by its key (environment, artifact version, finish), so importing the same file again adds
nothing. A batch holds at most MAX_RECORDS records and incidents, and every problem of every
record is named by its index; one bad record refuses the whole batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

from domain.kernel.errors import DomainError
from domain.pipelines import history_commands as cmd
from domain.pipelines.history_errors import HistoryErrorCode as Code
from domain.pipelines.incident_rules import severity_from
from domain.pipelines.vocabulary import DeploymentStatus

MAX_RECORDS = 5000
"""At most this many deployments and incidents in one batch (the CLI splits a file)."""
MAX_COMMITS = 100_000
OUTCOMES = {
    cmd.HistoricOutcome.SUCCEEDED: DeploymentStatus.SUCCEEDED,
    cmd.HistoricOutcome.FAILED: DeploymentStatus.FAILED,
    cmd.HistoricOutcome.ROLLED_BACK: DeploymentStatus.ROLLED_BACK,
}
STRATEGIES = frozenset({"blue_green", "canary", "rolling", "recreate", "manual", "imported"})
DEFAULT_STRATEGY = "imported"
PRODUCTION = "production"

Key = tuple[uuid.UUID, str, datetime]


@dataclass(frozen=True, slots=True)
class Environment:
    id: uuid.UUID
    kind: str
    bu_id: uuid.UUID | None


def onboarded_at(earliest_governed: datetime | None, now: datetime) -> datetime:
    """The cutoff: history lies strictly before it."""
    return earliest_governed if earliest_governed is not None else now


def utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def key(environment_id: uuid.UUID, r: cmd.HistoricDeployment) -> Key:
    """What makes an imported deployment the same one again."""
    return (environment_id, r.artifact_version.strip(), utc(r.finished_at))


def outcome(value: str) -> DeploymentStatus | None:
    """The status an imported deployment is stored with; None for an unknown outcome."""
    return {str(k): v for k, v in OUTCOMES.items()}.get(str(value).strip().lower())


def strategy(value: str | None) -> str:
    return (value or DEFAULT_STRATEGY).strip().lower()


class _Problems:
    def __init__(self, cutoff: datetime) -> None:
        self.cutoff = cutoff
        self.found: list[DomainError] = []

    def add(self, at: str, name: str, message: str, code: Code) -> None:
        self.found.append(DomainError(message, code=code, field=f"{at}.{name}"))

    def moment(self, at: str, name: str, value: datetime | None) -> bool:
        """A time with its offset, before the cutoff; False (and noted) when not."""
        if value is None:
            return True
        if value.utcoffset() is None:
            self.add(
                at, name, "A time carries its UTC offset (…Z or …+02:00).", Code.TIME_WITHOUT_OFFSET
            )
            return False
        if value >= self.cutoff:
            self.add(
                at,
                name,
                f"History lies before the service's onboarding ({self.cutoff.isoformat()}).",
                Code.NOT_BEFORE_ONBOARDING,
            )
            return False
        return True


def _ordered(times: Sequence[datetime | None]) -> bool:
    known = [t for t in times if t is not None]
    return all(a <= b for a, b in pairwise(known))


def _source(p: _Problems, at: str, r: cmd.HistoricDeployment) -> None:
    c = r.commits
    if (
        c is not None
        and p.moment(at, "commits.firstCommitAt", c.first_commit_at)
        and (not 1 <= c.count <= MAX_COMMITS or c.first_commit_at > r.finished_at)
    ):
        p.add(
            at,
            "commits",
            f"Commits: 1 to {MAX_COMMITS}, the first before the deployment finished.",
            Code.INVALID_COMMITS,
        )
    pr = r.pull_request
    if pr is None:
        return
    times = (pr.opened_at, pr.first_review_at, pr.approved_at, pr.merged_at)
    if not all(p.moment(at, "pullRequest", t) for t in times):
        return
    chains = (
        (pr.opened_at, pr.first_review_at, pr.merged_at),
        (pr.opened_at, pr.approved_at, pr.merged_at, r.finished_at),
    )
    if not all(_ordered(c) for c in chains):
        p.add(
            at,
            "pullRequest",
            "A pull request is opened, then reviewed and approved, then merged, before the "
            "deployment finishes.",
            Code.PULL_REQUEST_TIMES_OUT_OF_ORDER,
        )


def _environment(p: _Problems, at: str, env: Environment | None, bu_id: uuid.UUID) -> None:
    if env is None:
        p.add(at, "environment", "No such environment.", Code.UNKNOWN_ENVIRONMENT)
    elif env.kind != PRODUCTION:
        p.add(at, "environment", "History is of production deployments.", Code.NOT_PRODUCTION)
    elif env.bu_id not in (None, bu_id):
        p.add(
            at,
            "environment",
            "The environment is another business unit's.",
            Code.ENVIRONMENT_OF_ANOTHER_BU,
        )


def _deployment(
    p: _Problems, i: int, r: cmd.HistoricDeployment, env: Environment | None, bu_id: uuid.UUID
) -> None:
    at = f"records[{i}]"
    _environment(p, at, env, bu_id)
    if not 1 <= len(r.artifact_version.strip()) <= 128:
        p.add(
            at,
            "artifactVersion",
            "An artifact version is 1 to 128 characters.",
            Code.INVALID_VERSION,
        )
    if outcome(r.outcome) is None:
        p.add(
            at, "outcome", "An outcome is succeeded, failed or rolled_back.", Code.UNKNOWN_OUTCOME
        )
    if strategy(r.strategy) not in STRATEGIES:
        p.add(
            at,
            "strategy",
            f"A strategy is one of {', '.join(sorted(STRATEGIES))}.",
            Code.UNKNOWN_STRATEGY,
        )
    timed = p.moment(at, "startedAt", r.started_at) & p.moment(at, "finishedAt", r.finished_at)
    if timed and r.finished_at < r.started_at:
        p.add(
            at, "finishedAt", "A deployment finishes after it starts.", Code.FINISHED_BEFORE_STARTED
        )
    if timed:
        _source(p, at, r)


def _incident(p: _Problems, i: int, c: cmd.HistoricIncident) -> None:
    at = f"incidents[{i}]"
    if not 1 <= len(c.incident_ref.strip()) <= 512:
        p.add(
            at,
            "incidentRef",
            "An incident reference is 1 to 512 characters.",
            Code.INVALID_INCIDENT_REF,
        )
    if severity_from(c.severity) is None:
        p.add(at, "severity", "A severity is SEV1 to SEV4.", Code.UNKNOWN_SEVERITY)
    timed = p.moment(at, "detectedAt", c.detected_at) & p.moment(at, "resolvedAt", c.resolved_at)
    if timed and c.resolved_at is not None and c.resolved_at < c.detected_at:
        p.add(
            at,
            "resolvedAt",
            "An incident is resolved after it is detected.",
            Code.RESOLVED_BEFORE_DETECTED,
        )


def problems(
    c: cmd.ImportHistory,
    environments: Sequence[Environment | None],
    bu_id: uuid.UUID,
    cutoff: datetime,
) -> list[DomainError]:
    """Every problem of the batch, each naming its record (`environments[i]` is record i's,
    None when it names none that exists); empty when the batch may be stored."""
    size = len(c.records) + len(c.incidents)
    if size == 0:
        return [DomainError("Import at least one record.", code=Code.NO_RECORDS, field="records")]
    if size > MAX_RECORDS:
        return [
            DomainError(
                f"At most {MAX_RECORDS} records and incidents in one batch; split the file.",
                code=Code.TOO_MANY_RECORDS,
                field="records",
            )
        ]
    p = _Problems(cutoff)
    for i, (r, env) in enumerate(zip(c.records, environments, strict=True)):
        _deployment(p, i, r, env, bu_id)
    for i, inc in enumerate(c.incidents):
        _incident(p, i, inc)
    return p.found


def new_records(
    records: Iterable[tuple[uuid.UUID, cmd.HistoricDeployment]], known: Iterable[Key]
) -> list[tuple[uuid.UUID, cmd.HistoricDeployment]]:
    """The (environment id, record) pairs not imported before nor earlier in the batch."""
    seen = set(known)
    out = []
    for env_id, r in records:
        k = key(env_id, r)
        if k not in seen:
            seen.add(k)
            out.append((env_id, r))
    return out


def new_incidents(
    incidents: Iterable[cmd.HistoricIncident], known: Mapping[str, object] | Iterable[str]
) -> list[cmd.HistoricIncident]:
    """The incidents whose reference was not imported before nor earlier in the batch."""
    seen = set(known)
    out = []
    for c in incidents:
        ref = c.incident_ref.strip()
        if ref not in seen:
            seen.add(ref)
            out.append(c)
    return out
