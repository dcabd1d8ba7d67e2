"""An incident still open on the ledger, which the card network tokens release also ships: next
to monitoring's open card-gateway incident (demo/operations.py), the go/no-go dashboard of that
release shows two open incidents on two of its services."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents
from domain.pipelines.cdevents_schemas import shipped
from domain.pipelines.commands import IngestEvent

if TYPE_CHECKING:
    from api.runtime import Runtime

SOURCE = "/monitoring/pagerduty"
REF = "INC-2063"
TYPE = "dev.cdevents.incident.detected.0.3.0"


async def load_readiness_incidents(runtime: Runtime, cast: Cast) -> None:
    await runtime.units.run(_report, actor=cast.actor("ci"))


async def _report(uow: UnitOfWork) -> None:
    """PagerDuty's page for replication lag on the ledger, two hours ago, not resolved."""
    at = (uow.clock.now() - timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    content = {
        "description": "Ledger replica in eu-west-1b lagging 90 s behind the primary",
        "environment": {"id": "production-eu"},
        "service": {"id": "ledger-core"},
    }
    context = {"specversion": "0.5.1", "id": REF, "source": SOURCE, "type": TYPE, "timestamp": at}
    body = {"context": context, "subject": {"id": REF, "source": SOURCE, "content": content}}
    await cdevents.ingest_event(uow, IngestEvent(REF, SOURCE, TYPE, body, "payments"), shipped())
