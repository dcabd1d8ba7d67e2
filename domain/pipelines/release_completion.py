"""A release reaches `deployed` only when its production deployments are linked to allowed
promotions of it (or are unauthorized changes the RMO has reviewed).

Governance owns the lifecycle move; pipelines, a context above it, knows the deployments, so
it hands governance the check (as the calendar hands scheduling its freeze check).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from domain.governance import commands as cmd
from domain.governance import releases
from domain.governance.facts import release_facts
from domain.kernel.uow import UnitOfWork
from domain.kernel.vocabulary import EnvironmentKind
from domain.organization.facts import services
from domain.pipelines import unauthorized_repository as repo
from domain.pipelines import unauthorized_rules as rules


async def production_check(
    uow: UnitOfWork, release_id: uuid.UUID, environments: Sequence[str]
) -> None:
    """Refuse while an unauthorized change of the release awaits review, or while a service
    of a release that names production has no linked production deployment."""
    facts = await release_facts(uow.session, release_id, uow.clock.now(), go_live=False)
    shipped = facts.service_ids if facts is not None else frozenset[uuid.UUID]()
    deployments = await repo.release_deployments(uow.session, release_id)
    keys = {s.id: s.key for s in (await services(uow.session, shipped)).values()}
    targets = EnvironmentKind.PRODUCTION.value in environments
    problems = rules.completion_problems(targets, shipped, keys, deployments)
    if problems:
        raise problems[0]


async def complete_release(uow: UnitOfWork, c: cmd.MoveRelease) -> object:
    """Report that a deploying release is deployed, once its production is accounted for
    (returns governance's release)."""
    return await releases.complete_release(uow, c, production_check)
