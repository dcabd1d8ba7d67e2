"""A release's blockers: for each service it ships and each environment it targets, the
failing and pending gates of the promotion decision, as `promotionDecision(fresh: true)` would
answer for that service, version and environment with the release.

The decision is gathered for every (service, environment) at once
(domain.pipelines.gather.take_snapshots: the release's facts read once, the per-service facts in
batches), so the statements do not grow with the number of services, and each snapshot is
judged as asked. Nothing is recorded: asking writes nothing.

The target environments are the release's `environments` (each names an environment kind, such
as production, or an environment key), matched against the active environments of the
release's BU and those shared org-wide; a release naming none targets production. One
environment may be asked for instead. Services of another BU that the release ships are left
out: the decision judges a service only with a release of its own BU.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.environments.facts import environment
from domain.governance.facts import release, shipped_services
from domain.kernel.access import Action, Resource
from domain.kernel.errors import Forbidden, NotFound
from domain.kernel.gates import GateOutcome
from domain.kernel.reader import Reader
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.decision_rules import Decision
from domain.pipelines.gather import Ask, take_snapshots
from domain.pipelines.judge import judge
from domain.read import release_blockers_repository as repo
from domain.risk.scoring import Contribution


@dataclass(frozen=True, slots=True)
class Blockers:
    """The decision for one service of the release in one target environment."""

    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    decision: Decision
    risk_level: str | None
    as_of: datetime
    """When the facts judged were gathered."""
    risk_factors: tuple[Contribution, ...] = ()
    """What makes up the risk level, factor by factor (the release's assessment)."""

    @property
    def gates(self) -> tuple[GateOutcome, ...]:
        """The gates that block: failed or pending (waived ones do not)."""
        return tuple(o for o in self.decision.outcomes if o.blocks)


async def release_blockers(
    r: Reader,
    release_id: uuid.UUID,
    now: datetime,
    environment_id: uuid.UUID | None = None,
) -> list[Blockers]:
    """Per shipped service and target environment (by service key, then environment key), the
    decision now and the gates blocking it."""
    found = await release(r.session, release_id, readable_in=r.scope(Resource.RELEASE))
    if not r.may_read(Resource.SERVICE, found.bu_id):
        raise NotFound("Release was not found.", field="releaseId")
    if r.authorizer.check(r.actor, Action.EVALUATE, Resource.PROMOTION, found.bu_id) is None:
        raise Forbidden("You may not ask for promotion decisions here.")
    targets = await _targets(r, found.bu_id, found.environments, environment_id)
    lines = (await shipped_services(r.session, [found.id])).get(found.id, [])
    asks = [
        Ask(line.id, env, line.artifact_version, found.id, r.actor.person_id)
        for line in lines
        if line.bu_id == found.bu_id
        for env in targets
    ]
    snapshots = await take_snapshots(r.session, asks, now)
    return [
        Blockers(
            s.service_id,
            s.environment_id,
            s.artifact_version,
            judge(s, now),
            s.risk_level,
            s.taken_at,
            tuple(s.of_release.risk.assessment.contributions) if s.of_release else (),
        )
        for s in snapshots
    ]


async def _targets(
    r: Reader, bu_id: uuid.UUID, names: tuple[str, ...], environment_id: uuid.UUID | None
) -> list[uuid.UUID]:
    if environment_id is None:
        wanted = names or (EnvironmentKind.PRODUCTION.value,)
        return await repo.target_environment_ids(r.session, bu_id, wanted)
    env = await environment(
        r.session, environment_id, readable_in=r.scope(Resource.ENVIRONMENT), field="environment"
    )
    if env.bu_id not in (None, bu_id):
        raise NotFound("Environment was not found.", field="environment")
    return [env.id]
