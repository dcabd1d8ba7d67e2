"""SRE readiness reviews in the living world: the RMO's checklist template and the payments
BU's addition, and a review in each state. The card gateway's 3-D Secure exemptions release is
signed off by the SRE (so its production promotion can be allowed); the network tokens release
still lacks its runbook; the settlement cut-off has every item and awaits an SRE's sign-off;
the other releases have none. A new service awaits its first launch with its service review in
progress (demo.readiness_first_launch)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from demo.cast import Cast
from demo.readiness_first_launch import load_first_launch
from domain.kernel.uow import UnitOfWork
from domain.readiness import review_repository as repo
from domain.readiness import review_service as reviews
from domain.readiness import review_templates as templates
from domain.readiness.review_commands import (
    CreateTemplate,
    OpenReview,
    RecordEvidence,
    SignOffReview,
)
from domain.readiness.review_models import ReadinessReview

if TYPE_CHECKING:
    from api.runtime import Runtime

ORG_ITEMS: list[dict[str, Any]] = [
    {"key": "dashboards", "kind": "monitoring", "title": "Dashboards, SLOs and alert rules"},
    {"key": "paging", "kind": "alerting", "title": "Alerts routed to the on-call"},
    {"key": "runbook", "kind": "runbook", "title": "Runbook reviewed", "valid_days": 365},
    {"key": "rota", "kind": "on_call", "title": "On-call staffed for the window", "valid_days": 30},
    {"key": "deps", "kind": "dependencies_informed", "title": "Dependency owners informed"},
]
PAYMENTS_ITEMS: list[dict[str, Any]] = [
    {"key": "pan-logs", "kind": "other", "title": "No card numbers in logs or traces"},
]


async def load_readiness_reviews(
    runtime: Runtime, cast: Cast, releases: dict[str, uuid.UUID]
) -> None:
    run = runtime.units.run

    async def org(uow: UnitOfWork) -> None:
        await templates.create_template(
            uow, CreateTemplate("sre-readiness", "SRE production readiness", ORG_ITEMS)
        )

    async def payments(uow: UnitOfWork) -> None:
        await templates.create_template(
            uow,
            CreateTemplate(
                "payments-pci",
                "Payments PCI checks",
                PAYMENTS_ITEMS,
                cast.bus["payments"],
                ["critical"],
            ),
        )

    await run(org, actor=cast.actor("rmo"))
    await run(payments, actor=cast.actor("payments-admin"))
    for key, but in (("exemptions", ()), ("tokens", ("sre-readiness.runbook",)), ("cutoff", ())):
        await run(
            lambda uow, key=key, but=but: _evidenced(uow, releases[key], but),
            actor=cast.actor("engineer"),
        )
    await run(lambda uow: _sign_off(uow, releases["exemptions"]), actor=cast.actor("sre"))
    await load_first_launch(runtime, cast)


async def _evidenced(uow: UnitOfWork, release_id: uuid.UUID, but: tuple[str, ...]) -> None:
    """Open the release's review and record evidence for every item but `but`."""
    review = await reviews.open_review(uow, OpenReview(release_id))
    now = uow.clock.now()
    for n, key in enumerate(await _keys(uow, review)):
        if key in but:
            continue
        review = await reviews.record_evidence(
            uow,
            RecordEvidence(
                review.id,
                review.version,
                key,
                f"https://wiki.bank.example/sre/{key}",
                checked_at=now - timedelta(days=n + 1),
            ),
        )


async def _keys(uow: UnitOfWork, review: ReadinessReview) -> list[str]:
    return [i.key for i in await repo.items_of(uow.session, review.id)]


async def _sign_off(uow: UnitOfWork, release_id: uuid.UUID) -> None:
    review = await repo.review_of_release(uow.session, release_id)
    assert review is not None
    await reviews.sign_off_review(
        uow,
        SignOffReview(review.id, review.version, "Dashboards and paging checked with the team."),
    )
