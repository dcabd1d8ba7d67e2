"""Config snapshots reported by CI: validated, appended, never changed."""

from __future__ import annotations

from dataclasses import dataclass

from domain.environments import repository as repo
from domain.environments import rules
from domain.environments.catalog import active, visible_environment
from domain.environments.commands import ReportSnapshot
from domain.environments.errors import EnvironmentErrorCode as Code
from domain.environments.models import ConfigSnapshot
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ReportedSnapshot:
    snapshot: ConfigSnapshot
    images: list[tuple[str, str]]


async def report_snapshot(uow: UnitOfWork, c: ReportSnapshot) -> ReportedSnapshot:
    """Record what CI saw in an environment; it becomes the environment's current snapshot."""
    env = await visible_environment(uow, c.environment_id)
    rule = uow.authorize(Action.CREATE, Resource.CONFIG_SNAPSHOT, env.bu_id)
    active(env)
    chart, version = rules.check_helm(c.helm_chart, c.helm_chart_version)
    images = rules.check_images(c.images)
    values_digest = rules.check_digest(c.helm_values_digest, "helmValuesDigest")
    tf_digest = rules.check_digest(c.terraform_digest, "terraformDigest")
    serial = rules.check_serial(c.terraform_serial)
    if (
        chart is None
        and values_digest is None
        and serial is None
        and tf_digest is None
        and not images
    ):
        raise DomainError(
            "A snapshot reports Helm, Terraform or image digests; this one reports nothing.",
            code=Code.EMPTY_SNAPSHOT,
        )
    row = ConfigSnapshot(
        environment_id=env.id,
        bu_id=env.bu_id,
        helm_chart=chart,
        helm_chart_version=version,
        helm_values_digest=values_digest,
        terraform_serial=serial,
        terraform_digest=tf_digest,
        git_commit=rules.check_git_commit(c.git_commit),
        reported_at=uow.clock.now(),
        reported_by_id=uow.actor.person_id,
        reporter=uow.actor.username,
    )
    await uow.created(
        row,
        action="config_snapshot.report",
        bu_id=env.bu_id,
        rule=rule,
        extra={"images": dict(images)},
    )
    await repo.add_images(uow.session, row.id, images)
    return ReportedSnapshot(row, images)
