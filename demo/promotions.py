"""A demo promotion that ended while it waited: the card gateway asked to go to the payments
staging environment, then withdrawn by the release management office (loaded with the demo).

It shows a cancelled promotion in `promotions(filter: {status: "cancelled"})` with its reason
and the audit trail of its request and cancel, beside the expiry time every promotion carries.
"""

from __future__ import annotations

from typing import Any

from domain.environments import catalog
from domain.environments.commands import CreateEnvironment
from domain.kernel.uow import UnitOfWork
from domain.pipelines import promotion_lifecycle, promotions
from domain.pipelines.promotion_commands import AskPromotion, CancelPromotion

STAGING = "payments-staging"


async def load_promotions_demo(
    uow: UnitOfWork, bus: dict[str, Any], services: dict[str, Any]
) -> None:
    """Runs inside load_demo's unit of work, as the system (an org admin by design)."""
    staging = await catalog.create_environment(
        uow,
        CreateEnvironment(
            key=STAGING, name="Payments staging", kind="staging", bu_id=bus["payments"].id
        ),
    )
    ask = AskPromotion(services["card-gateway"].id, staging.id, "3.8.0")
    promotion, _ = await promotions.request_promotion(uow, ask)
    await promotion_lifecycle.cancel_promotion(
        uow,
        CancelPromotion(
            promotion.id,
            promotion.version,
            "Superseded by 3.8.1 (the release train moved to the fixed build).",
        ),
    )
