"""A service awaiting its first launch in the living world: Instant Payouts, a new critical
service of the payouts team that has never been in production. Its service readiness review
is in progress: the engineer opened it and evidenced the dashboards, the paging, the
dependency owners and the payments BU's card-data check; the runbook and the on-call rota
are still missing, so the decision names them when its first release asks for production."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.organization import commands as org_cmd
from domain.organization import service as org
from domain.organization.models import Service
from domain.readiness import review_launch_service as launch
from domain.readiness import review_service as reviews
from domain.readiness.review_commands import OpenServiceReview, RecordEvidence

if TYPE_CHECKING:
    from api.runtime import Runtime

EVIDENCED = (
    "sre-readiness.dashboards",
    "sre-readiness.paging",
    "sre-readiness.deps",
    "payments-pci.pan-logs",
)


async def load_first_launch(runtime: Runtime, cast: Cast) -> None:
    """The new service (by the payments BU admin) and its review in progress (the engineer)."""

    async def create(uow: UnitOfWork) -> Service:
        return await org.create_service(
            uow,
            org_cmd.CreateService(
                team_id=cast.teams["payouts"],
                key="instant-payouts",
                name="Instant Payouts",
                tier="critical",
                data_classification="confidential",
                regions=["eu-west-1"],
            ),
        )

    service = await runtime.units.run(create, actor=cast.actor("payments-admin"))

    async def review(uow: UnitOfWork) -> None:
        opened = await launch.open_service_review(uow, OpenServiceReview(service.id))
        now = uow.clock.now()
        for n, key in enumerate(EVIDENCED):
            opened = await reviews.record_evidence(
                uow,
                RecordEvidence(
                    opened.id,
                    opened.version,
                    key,
                    f"https://wiki.bank.example/sre/instant-payouts/{key}",
                    checked_at=now - timedelta(days=n + 1),
                ),
            )

    await runtime.units.run(review, actor=cast.actor("engineer"))
