"""Helpers of the where-changes-fail tests (no tests here): a hand-built change ledger written
straight into its tables (the projection rewrites only the rows it projects, so these stay),
and the query and the mutation through GraphQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from api.graphql.relay import from_global_id
from domain.insights.ledger_models import LedgerEntry, LedgerIncident
from domain.insights.ledger_rules import joined
from domain.kernel.uow import UnitOfWork
from tests.api.conftest import Api
from tests.api.test_policy_support import World

FIGURES = """changes failed incidentCount share rate lift worstSeverity
  bySeverity { severity incidents }"""
QUERY = f"""query($s: ChangeFailureScope, $since: DateTime, $f: DoraFailureDefinition,
  $factor: Float, $n: Int) {{
  changeFailures(scope: $s, since: $since, failure: $f, factor: $factor, minChanges: $n) {{
    failureDefinition factor minChanges
    overall {{ {FIGURES} }}
    byChangeType {{ changeType verdict figures {{ {FIGURES}
      failedChanges {{ changeId kind }} incidentIds }} }}
    byRiskLevel {{ riskLevel figures {{ changes failed rate }} }}
    byKind {{ kind figures {{ changes failed rate }} }}
    cells {{ changeType riskLevel figures {{ changes failed rate }} }}
    standingOut {{ changeType reason figures {{ changes failed rate lift }}
      suggestions {{ control scope tier key current proposed reason }} }}
  }} }}"""
ERRORS = "errors { code field message ... on ChangeFailureError { errorCode } }"
PROPOSE = f"""mutation($i: ProposeFromChangeFailuresInput!) {{ proposeFromChangeFailures(input: $i) {{
  policyProposal {{ id status version originKind originId targetKind scope tier key value
    rationale proposedBy {{ username }} }}
  analysis {{ id changeType control failureDefinition factor minChanges figures reason scope }}
  {ERRORS} }} }}"""


@dataclass(frozen=True)
class Spec:
    """A change of the hand-built history: its kind, change types, risk level, and how it
    ended (the severity of the incident blamed on it, rolled back)."""

    kind: str
    types: tuple[str, ...]
    risk: str | None = None
    incident: str | None = None
    rolled_back: bool = False


def flips_and_deployments(
    flips: int = 4, failed_flips: int = 3, deployments: int = 10, failed_deployments: int = 1
) -> list[Spec]:
    """Flag flips (config changes, low risk) and API deployments (medium), the first of each
    failing with an incident: by default 3 of 4 flips (SEV2) and 1 of 10 deployments (SEV3)."""
    return [
        *(
            Spec("flag_change", ("config",), "low", "SEV2" if n < failed_flips else None)
            for n in range(flips)
        ),
        *(
            Spec("deployment", ("api",), "medium", "SEV3" if n < failed_deployments else None)
            for n in range(deployments)
        ),
    ]


@dataclass(frozen=True)
class History:
    changes: list[uuid.UUID]
    incidents: list[uuid.UUID]
    since: datetime


async def history(api: Api, w: World, specs: list[Spec], days_ago: int = 10) -> History:
    """`specs` as ledger entries of the world's first service, an hour apart from `days_ago`
    days ago, each incident an hour after its change and attributed to it."""
    now = api.runtime.clock.now()
    start = now - timedelta(days=days_ago)
    bu = from_global_id(w.bu, "BusinessUnit")
    team = from_global_id(w.team, "Team")
    service = from_global_id(w.services[0], "Service")
    entries: list[dict[str, Any]] = []
    incidents: list[dict[str, Any]] = []
    for n, s in enumerate(specs):
        at = start + timedelta(hours=n)
        entry = uuid.uuid4()
        where = {"bu_id": bu, "team_id": team, "service_id": service, "tier": "internal"}
        entries.append(
            {
                "id": entry,
                "kind": s.kind,
                **where,
                "at": at,
                "change_types": joined(s.types),
                "risk_level": s.risk,
                "rolled_back": s.rolled_back,
                "incident_count": int(s.incident is not None),
                "outcome": "caused_incident" if s.incident else "succeeded",
                "summary": f"{s.kind} {n}",
                "projected_at": now,
            }
        )
        if s.incident is not None:
            incidents.append(
                {
                    "id": uuid.uuid4(),
                    **where,
                    "severity": s.incident,
                    "created_at": at + timedelta(minutes=30),
                    "resolved_at": at + timedelta(minutes=90),
                    "change_id": entry,
                    "change_kind": s.kind,
                    "projected_at": now,
                }
            )

    async def write(uow: UnitOfWork) -> None:
        await uow.session.execute(insert(LedgerEntry), entries)
        if incidents:
            await uow.session.execute(insert(LedgerIncident), incidents)

    await api.runtime.units.run(write)
    return History(
        [e["id"] for e in entries], [i["id"] for i in incidents], start - timedelta(days=1)
    )


async def failures(api: Api, as_user: str = "rmo", **v: Any) -> dict[str, Any]:
    data = await api.ok(QUERY, v, as_user=as_user)
    return data["changeFailures"]  # type: ignore[no-any-return]


def propose_input(w: World, h: History, **kw: Any) -> dict[str, Any]:
    return {
        "scope": {"businessUnitId": w.bu},
        "since": h.since.isoformat(),
        "changeType": "CONFIG",
        "control": "PEER_REVIEW",
        **kw,
    }
