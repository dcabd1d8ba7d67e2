"""Incidents linked to changes and a blameless post-mortem in the living world (issue 17).

The CD tool reported ledger-core 7.2.0 deployed to production-eu 45 minutes ago, outside the
pipeline (no promotion asked: an unauthorized change); monitoring reported a SEV1 (ledger
postings failing) 20 minutes later. The housekeeping sweep attributes it
to that deployment and opens its post-mortem; the SRE states the impact, a contributing factor
and two action items: a rollback rehearsal test (CI's passing run then closes it, verified by
the sweep) and a rollback-rehearsal field in the payments-ledger template (still open: no such
version exists yet). Monitoring's other incidents are attributed by the same sweep.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from demo.delivery import digest_of
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents, evidence
from domain.pipelines import commands as pc
from domain.pipelines import repository as pipeline_repo
from domain.pipelines.cdevents_schemas import shipped
from domain.pipelines.commands import IngestEvent
from domain.postrelease import incident_sweep
from domain.postrelease import postmortem_repository as pm_repo
from domain.postrelease import postmortem_service as post_mortems

if TYPE_CHECKING:
    from api.runtime import Runtime

SOURCE = "/monitoring/prometheus-eu"
INCIDENT = "INC-2063"
TEST = "ledger-rollback-rehearsal"


def _event(
    kind: str, subject: str, at: str, content: dict[str, object], **custom: str
) -> IngestEvent:
    ce_id = f"{subject}-{kind}"
    body = {
        "context": {
            "specversion": "0.5.1",
            "id": ce_id,
            "source": SOURCE,
            "type": f"dev.cdevents.{kind}.0.3.0",
            "timestamp": at,
        },
        "subject": {"id": subject, "source": SOURCE, "content": content},
        **({"customData": custom} if custom else {}),
    }
    return IngestEvent(ce_id, SOURCE, body["context"]["type"], body, "payments")


async def _reported(uow: UnitOfWork) -> None:
    """The deployment 45 minutes ago, the SEV1 detected 25 minutes ago."""
    now = uow.clock.now()

    def stamp(minutes: int) -> str:
        return (now - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")

    digest = digest_of("ledger-core", "7.2.0").replace(":", "%3A")
    deployed = {
        "environment": {"id": "production-eu"},
        "artifactId": f"pkg:oci/ledger-core@{digest}?tag=7.2.0",
    }
    incident = {
        "description": "Ledger postings failing for card settlements",
        "environment": {"id": "production-eu"},
        "service": {"id": "ledger-core"},
    }
    for event in (
        _event("service.deployed", "ledger-core", stamp(45), deployed),
        _event("incident.detected", INCIDENT, stamp(25), incident, severity="SEV1"),
    ):
        await cdevents.ingest_event(uow, event, shipped())


async def _kept(uow: UnitOfWork, cast: Cast) -> None:
    """The SRE's post-mortem: impact, a factor, two action items."""
    incident = await pipeline_repo.incident_by_ref(
        uow.session, cast.bus["payments"], SOURCE, INCIDENT
    )
    assert incident is not None
    pm = await pm_repo.post_mortem_of(uow.session, incident.id)
    assert pm is not None
    impact = "Card settlements were not posted for 25 minutes; 1,240 postings replayed."
    pm = await post_mortems.set_impact(uow, post_mortems.SetImpact(pm.id, pm.version, impact))
    for category, text in (
        ("release_process", "The build reached production outside the pipeline: no promotion."),
        ("testing_gap", "The schema change was never rolled back in staging before production."),
    ):
        factor = post_mortems.AddFactor(pm.id, pm.version, category, text)
        pm = await post_mortems.add_factor(uow, factor)
    for title, kind, target in (
        ("Rehearse the rollback in CI", "test_case", {"test_name": TEST}),
        (
            "Add the rollback rehearsal to the ledger template",
            "documentation_template",
            {"template_key": "payments-ledger", "item_key": "rollback_rehearsal"},
        ),
    ):
        item = post_mortems.AddAction(pm.id, pm.version, title, kind, target)
        pm = await post_mortems.add_action(uow, item)


async def _rehearsed(uow: UnitOfWork, cast: Cast) -> None:
    artifact = pc.ArtifactRef(
        cast.services["ledger-core"], "ledger-core", "7.2.0", digest_of("ledger-core", "7.2.0")
    )
    run = pc.TestRun(TEST, passed=6, failed=0)
    await evidence.report_evidence(uow, pc.ReportEvidence(artifact, run))


async def load_post_mortems(runtime: Runtime, cast: Cast) -> None:
    run = runtime.units.run
    await run(_reported, actor=cast.actor("ci"))
    await run(incident_sweep.sweep)
    await run(lambda uow: _kept(uow, cast), actor=cast.actor("sre"))
    await run(lambda uow: _rehearsed(uow, cast), actor=cast.actor("ci"))
    await run(incident_sweep.sweep)
