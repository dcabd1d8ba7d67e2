"""The demo's unauthorized change: the payments production environment, and a card gateway
build an SRE deployed there with no allowed promotion, awaiting the RMO's review (loaded by
`signalbox demo` after `demo.organization.load_demo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.calendar import as_actor
from domain.environments import catalog
from domain.environments.commands import CreateEnvironment
from domain.environments.facts import environment_id_by_key
from domain.kernel.uow import UnitOfWork
from domain.organization import repository as repo
from domain.organization.facts import service_id_by_key
from domain.pipelines import deployments
from domain.pipelines.deployment_commands import CreateDeployment

if TYPE_CHECKING:
    from api.runtime import Runtime


PRODUCTION_KEY = "payments-prod"
HOTFIX_VERSION = "4.2.0-hotfix.1"


async def load_unauthorized_demo(runtime: Runtime) -> bool:
    """Load it once; False when it is there already (or the organization is not)."""
    async with runtime.db.read_session() as session:
        if await environment_id_by_key(session, PRODUCTION_KEY) is not None:
            return False
        rmo = await repo.person_by_username(session, "rmo")
        sre = await repo.person_by_username(session, "sre")
        payments = await repo.bu_id_by_key(session, "payments")
        gateway = await service_id_by_key(session, "card-gateway")
    if rmo is None or sre is None or payments is None or gateway is None:
        return False
    made = CreateEnvironment(
        key=PRODUCTION_KEY,
        name="Payments production",
        kind="production",
        bu_id=payments,
        region="eu-west-1",
    )
    env = await runtime.units.run(
        lambda uow: catalog.create_environment(uow, made), actor=as_actor(rmo)
    )
    deployed = CreateDeployment(
        service_id=gateway,
        environment_id=env.id,
        artifact_version=HOTFIX_VERSION,
        strategy="blue_green",
    )

    async def deploy(uow: UnitOfWork) -> None:
        await deployments.create_deployment(uow, deployed)

    await runtime.units.run(deploy, actor=as_actor(sre))
    return True
