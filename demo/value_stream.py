"""The value stream in the living world: the card gateway's issuer-timeout fix (4.2.8) went to
production-us through every step, and most of its way was spent waiting for approval.

Submitted six days before the moment of loading, built and tested five days before, staged in
the payments train's final staging three hours later (its NFRs met there), then it waited: the
payments CAB decided go, the SRE signed its readiness review and its three approvers allowed
the production promotion only at loading, and the CD tool reported it live in production-us
right after. The approvers who voted go approved the promotion again (a redundant review the
value stream names). Inside the quarter-end close the freeze refuses the promotion and nothing
ships. Earlier steps go through the use cases on the runtime's clock
moved back (domain.kernel.clock.ShiftedClock), so their times say when they happened.

`valueStreamSummary(teamId: <acquiring>)` shows the approval step as the slowest. Over a longer
period the summary also holds the acquiring team's imported history (demo/history.py): commit,
pull request and deployment times only, since nothing before governance recorded the build,
staging and approval steps in between.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from demo.cast import Cast
from demo.delivery import digest_of, report_build
from demo.governance import filled_documentation
from demo.nfrs import STAGING, TIER_1_MET
from demo.promotions_world import APPROVERS, CHANGE
from demo.promotions_world import _approve as approve_promotion
from demo.readiness_reviews import _evidenced as evidenced
from demo.readiness_reviews import _sign_off as signed_off
from domain.governance import board_repository as board_repo
from domain.governance import commands as gc
from domain.governance import go_no_go, releases
from domain.kernel.clock import ShiftedClock
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents, promotions
from domain.pipelines import repository as pipelines_repo
from domain.pipelines.cdevents_schemas import shipped
from domain.pipelines.commands import IngestEvent
from domain.pipelines.promotion_commands import AskPromotion
from domain.pipelines.vocabulary import PromotionStatus
from domain.readiness import nfr_service
from domain.readiness.nfr_commands import RecordNfrRun
from domain.risk import assessments, peer_reviews
from domain.risk.commands import AssessRisk, RecordPeerReview

if TYPE_CHECKING:
    from api.runtime import Runtime

SERVICE, VERSION = "card-gateway", "4.2.8"
TITLE = "Card gateway issuer timeouts per issuer"
SOURCE = "/deploy/argo-us"
ESCAPED_DIGEST = digest_of(SERVICE, VERSION).replace(":", "%3A")
SUBMITTED = timedelta(days=6)
BUILT = timedelta(days=5)
STAGED = BUILT - timedelta(hours=3)
VOTES = (
    ("approver", "Timeouts are per issuer now; no card data in the logs."),
    ("eng-approver", "Soaked in staging for five days."),
    ("product-owner", ""),
)


def _deployed(environment: str, n: int) -> IngestEvent:
    """The CD tool's `service.deployed` of the fix to `environment`, now."""
    body: dict[str, Any] = {
        "context": {
            "specversion": "0.5.1",
            "id": f"demo-value-stream-{n}",
            "source": SOURCE,
            "type": "dev.cdevents.service.deployed.0.3.0",
            "timestamp": "",
        },
        "subject": {
            "id": SERVICE,
            "source": SOURCE,
            "content": {
                "environment": {"id": environment},
                "artifactId": f"pkg:oci/{SERVICE}@{ESCAPED_DIGEST}",
            },
        },
        "customData": {"version": VERSION},
    }
    return IngestEvent(body["context"]["id"], SOURCE, body["context"]["type"], body, "payments")


async def _report(uow: UnitOfWork, environment: str, n: int) -> None:
    event = _deployed(environment, n)
    event.cdevent["context"]["timestamp"] = uow.clock.now().isoformat().replace("+00:00", "Z")
    await cdevents.ingest_event(uow, event, shipped())


async def _submit(uow: UnitOfWork, cast: Cast) -> uuid.UUID:
    release = await releases.create_release(
        uow,
        gc.CreateRelease(
            bu_id=cast.bus["payments"],
            title=TITLE,
            release_type="standard",
            description="A timeout and retry budget per issuer instead of one for all.",
            owner_id=cast.person("release-manager"),
            change_types=["api"],
            environments=["production"],
            services=[gc.ServiceLine(cast.services[SERVICE], VERSION)],
            author_ids=[cast.person("engineer")],
            documentation=filled_documentation(),
        ),
    )
    release = await releases.submit_release(uow, gc.MoveRelease(release.id, release.version))
    await assessments.assess_risk(uow, AssessRisk(release.id))
    return release.id


async def _board(runtime: Runtime, cast: Cast, release_id: uuid.UUID) -> None:
    """The payments CAB decides go (the release is approved by the decision)."""
    run = runtime.units.run
    opened = await run(
        lambda uow: go_no_go.open_session(
            uow, gc.OpenSession(release_id, cast.boards["payments-cab"])
        ),
        actor=cast.actor("release-manager"),
    )
    for voter, rationale in VOTES:
        await run(
            lambda uow, why=rationale: go_no_go.cast_vote(uow, gc.CastVote(opened.id, "go", why)),
            actor=cast.actor(voter),
        )

    async def close(uow: UnitOfWork) -> None:
        session = await board_repo.get_session(uow.session, opened.id)
        assert session is not None
        await go_no_go.close_session(uow, gc.CloseSession(session.id, session.version))

    await run(close, actor=cast.actor("payments-admin"))


async def _ready(runtime: Runtime, cast: Cast, release_id: uuid.UUID) -> None:
    """Its NFRs met in staging (CI's run as it was staged) and its SRE readiness review signed."""

    async def measured(uow: UnitOfWork) -> None:
        staging = await pipelines_repo.environment_for(uow.session, cast.bus["payments"], STAGING)
        assert staging is not None
        await nfr_service.record_run(
            uow,
            RecordNfrRun(
                service_id=cast.services[SERVICE],
                environment_id=staging,
                artifact_version=VERSION,
                name=f"k6-and-chaos-{VERSION}",
                finished_at=uow.clock.now() - STAGED + timedelta(hours=2),
                figures=tuple((k, float(v)) for k, v in TIER_1_MET.items()),
                url=f"https://grafana.bank.example/d/k6/{SERVICE}?run={VERSION}",
            ),
        )

    await runtime.units.run(measured, actor=cast.actor("ci"))
    await runtime.units.run(
        lambda uow: evidenced(uow, release_id, ()), actor=cast.actor("engineer")
    )
    await runtime.units.run(lambda uow: signed_off(uow, release_id), actor=cast.actor("sre"))


async def load_value_stream(runtime: Runtime, cast: Cast, regions: dict[str, uuid.UUID]) -> None:
    """The fix's way to production-us (see the module)."""

    def back(ago: timedelta) -> Any:
        return runtime.units.at(ShiftedClock(runtime.clock, ago))

    release_id = await back(SUBMITTED).run(
        lambda uow: _submit(uow, cast), actor=cast.actor("release-manager")
    )
    await back(BUILT).run(
        lambda uow: report_build(uow, cast, SERVICE, VERSION), actor=cast.actor("ci")
    )
    await back(STAGED).run(lambda uow: _report(uow, STAGING, 1), actor=cast.actor("ci"))
    await _ready(runtime, cast, release_id)
    await runtime.units.run(
        lambda uow: peer_reviews.record_peer_review(
            uow, RecordPeerReview(release_id, "approved", "Read the diff and the runbook.")
        ),
        actor=cast.actor("sre"),
    )
    await _board(runtime, cast, release_id)
    ask = AskPromotion(
        cast.services[SERVICE], regions["production-us"], VERSION, release_id, (CHANGE,)
    )
    asked, _ = await runtime.units.run(
        lambda uow: promotions.request_promotion(uow, ask), actor=cast.actor("ci")
    )
    if asked.status != PromotionStatus.WAITING:
        return  # Loaded inside the quarter-end close: the freeze refuses it, as it should.
    for approver, note in APPROVERS:
        await runtime.units.run(
            lambda uow, note=note: approve_promotion(uow, asked.id, note),
            actor=cast.actor(approver),
        )
    await runtime.units.run(lambda uow: _report(uow, "production-us", 2), actor=cast.actor("ci"))
