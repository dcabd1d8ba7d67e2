"""Importing deployment history through GraphQL: a service's year before Signalbox, counted by
DORA and shown in the ledger as imported, never flagged as unauthorized; importing again adds
nothing; one bad record stores nothing and names its index; history lies before onboarding."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.governance_support import audit_actions, services
from tests.api.history_support import LEAD, daily, import_history, iso
from tests.api.test_dora_api import dora
from tests.api.test_incident_attribution_support import (
    deployed,
    production,
    service_key,
    swept,
)
from tests.api.unauthorized_support import open_changes

LEDGER = """query($f: ChangeLedgerFilter) { changeLedger(filter: $f, first: 100) {
  nodes { artifactVersion imported strategy outcome commitCount leadTimeSeconds summary } } }"""


async def _world(api: Api) -> dict[str, Any]:
    [service] = await services(api, "payments")
    env = await production(api)
    now = api.runtime.clock.now()
    first = now - timedelta(days=60)
    records = daily(env, first, 10)
    # an incident an hour after the fifth deployment, resolved three hours later
    fifth = first + timedelta(days=4)
    incidents = [
        {
            "incidentRef": f"HIST-{service[-8:]}",
            "detectedAt": iso(fifth + timedelta(hours=1)),
            "resolvedAt": iso(fifth + timedelta(hours=4)),
            "severity": "SEV2",
            "description": "Timeouts after the release",
        }
    ]
    return {"service": service, "env": env, "records": records, "incidents": incidents, "now": now}


async def _ledger(api: Api, service: str) -> list[dict[str, Any]]:
    data = await api.ok(LEDGER, {"f": {"serviceId": service}})
    return data["changeLedger"]["nodes"]  # type: ignore[no-any-return]


class TestAnImportedYear:
    async def test_dora_counts_the_imported_deployments_and_incident(self, api: Api) -> None:
        w = await _world(api)
        done = await import_history(api, w["service"], w["records"], w["incidents"])
        assert done["errors"] == [], done
        assert done["result"]["added"] == 10
        assert done["result"]["incidentsAdded"] == 1
        since = iso(w["now"] - timedelta(days=90))
        got = await dora(api, s={"serviceId": w["service"]}, since=since)
        keys = got["keys"]
        assert keys["deploymentFrequency"]["deployments"] == 10
        assert keys["leadTime"]["seconds"] == LEAD.total_seconds()
        assert keys["leadTime"]["deploymentsMeasured"] == 10
        assert (keys["changeFailureRate"]["failed"], keys["changeFailureRate"]["counted"]) == (
            1,
            10,
        )
        assert keys["timeToRestore"]["seconds"] == timedelta(hours=3).total_seconds()

    async def test_the_ledger_shows_each_change_as_imported(self, api: Api) -> None:
        w = await _world(api)
        await import_history(api, w["service"], w["records"])
        entries = await _ledger(api, w["service"])
        assert len(entries) == 10
        assert all(e["imported"] and e["strategy"] == "rolling" for e in entries)
        assert all(e["commitCount"] == 3 for e in entries)
        assert all("(imported)" in e["summary"] for e in entries)

    async def test_a_failed_deployment_never_shipped_and_a_rollback_is_one(self, api: Api) -> None:
        w = await _world(api)
        records = w["records"][:3]
        records[1] = {**records[1], "outcome": "ROLLED_BACK"}
        records[2] = {**records[2], "outcome": "FAILED"}
        done = await import_history(api, w["service"], records)
        assert done["result"]["added"] == 3
        entries = await _ledger(api, w["service"])
        assert sorted(e["outcome"] for e in entries) == ["ROLLED_BACK", "SUCCEEDED"]

    async def test_no_unauthorized_change_is_raised(self, api: Api) -> None:
        w = await _world(api)
        key = await service_key(api, w["service"])
        await import_history(api, w["service"], w["records"])
        assert [c for c in await open_changes(api) if c["service"]["key"] == key] == []
        # a live deployment with no promotion, after the history, is flagged as it should be
        await deployed(api, w["service"], w["env"], w["now"] - timedelta(hours=1))
        assert len([c for c in await open_changes(api) if c["service"]["key"] == key]) == 1

    async def test_importing_again_adds_nothing(self, api: Api) -> None:
        w = await _world(api)
        await import_history(api, w["service"], w["records"], w["incidents"])
        again = await import_history(api, w["service"], w["records"], w["incidents"])
        assert again["errors"] == []
        r = again["result"]
        assert (r["added"], r["known"], r["incidentsAdded"], r["incidentsKnown"]) == (0, 10, 0, 1)
        assert len(await _ledger(api, w["service"])) == 10


class TestTwoImportsAtOnce:
    async def test_the_history_is_stored_once_whoever_wins(self, api: Api) -> None:
        """Two imports of the same year at once: each adds what it finds missing, or is refused
        ALREADY_EXISTS having stored nothing (the loser of the race, on PostgreSQL); between
        them the year is stored once, and importing again adds nothing."""
        w = await _world(api)
        both = await asyncio.gather(
            *(import_history(api, w["service"], w["records"]) for _ in range(2))
        )
        added = [d["result"]["added"] for d in both if d["result"] is not None]
        refused = [e["code"] for d in both for e in d["errors"]]
        assert sum(added) == 10 and refused in ([], ["ALREADY_EXISTS"]), both
        assert len(await _ledger(api, w["service"])) == 10
        again = await import_history(api, w["service"], w["records"])
        assert (again["result"]["added"], again["result"]["known"]) == (0, 10)


class TestNothingOpensForHistory:
    async def test_the_attribution_sweep_leaves_imported_incidents_alone(self, api: Api) -> None:
        w = await _world(api)
        records = daily(w["env"], w["now"] - timedelta(days=3), 1, prefix="3.0.")
        recent = {
            **w["incidents"][0],
            "detectedAt": iso(w["now"] - timedelta(days=2)),
            "resolvedAt": iso(w["now"] - timedelta(days=1)),
        }
        await swept(api)
        done = await import_history(api, w["service"], records, [recent])
        assert done["result"]["incidentsAdded"] == 1
        assert (await swept(api)).attributed == 0


class TestImportedDeploymentsAreTheLedgers:
    async def test_the_deployments_list_holds_only_those_planned_here(self, api: Api) -> None:
        w = await _world(api)
        await import_history(api, w["service"], w["records"])
        data = await api.ok(
            "query($s: ID) { deployments(filter: {serviceId: $s}) { nodes { id } } }",
            {"s": w["service"]},
        )
        assert data["deployments"]["nodes"] == []


class TestTheAuditTrail:
    async def test_holds_one_record_per_batch(self, api: Api) -> None:
        w = await _world(api)
        await import_history(api, w["service"], w["records"][:5])
        await import_history(api, w["service"], w["records"])
        actions = await audit_actions(api, w["service"])
        assert actions.count("deployment_history.import") == 2


class TestABadBatchStoresNothing:
    async def test_one_bad_record_is_named_by_its_index(self, api: Api) -> None:
        w = await _world(api)
        records = w["records"][:3]
        records[1] = {**records[1], "finishedAt": iso(w["now"] + timedelta(hours=1))}
        refused = await import_history(api, w["service"], records)
        assert refused["result"] is None
        assert [(e["errorCode"], e["field"]) for e in refused["errors"]] == [
            ("NOT_BEFORE_ONBOARDING", "records[1].finishedAt")
        ]
        assert await _ledger(api, w["service"]) == []

    async def test_every_problem_is_named(self, api: Api) -> None:
        w = await _world(api)
        staging = await environment(api)
        records = w["records"][:3]
        records[0] = {**records[0], "environmentKey": staging["key"]}
        records[2] = {**records[2], "strategy": "yolo"}
        refused = await import_history(api, w["service"], records)
        assert sorted((e["errorCode"], e["field"]) for e in refused["errors"]) == [
            ("NOT_PRODUCTION", "records[0].environment"),
            ("UNKNOWN_STRATEGY", "records[2].strategy"),
        ]


class TestHistoryLiesBeforeOnboarding:
    async def test_a_governed_deployment_moves_the_cutoff(self, api: Api) -> None:
        w = await _world(api)
        onboarded = w["now"] - timedelta(days=2)
        await deployed(api, w["service"], w["env"], onboarded)
        later = daily(w["env"], onboarded + timedelta(hours=1), 1, prefix="2.0.")
        refused = await import_history(api, w["service"], later)
        assert [(e["errorCode"], e["field"]) for e in refused["errors"]] == [
            ("NOT_BEFORE_ONBOARDING", "records[0].startedAt"),
            ("NOT_BEFORE_ONBOARDING", "records[0].finishedAt"),
        ]
        before = daily(w["env"], onboarded - timedelta(days=1), 1, prefix="2.0.")
        done = await import_history(api, w["service"], before)
        assert done["errors"] == []
        assert done["result"]["onboardedAt"].startswith(iso(onboarded)[:19])
