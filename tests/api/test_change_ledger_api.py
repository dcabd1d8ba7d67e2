"""Every production change in one ledger: deployments with their commits, flag flips and
configuration changes, with the incidents attributed to them, through GraphQL and as CSV."""

from __future__ import annotations

import pytest

from api.graphql.relay import from_global_id
from domain.insights import ledger_repository
from domain.kernel.access import Scope
from tests.api.conftest import Api, unique
from tests.api.governance_support import services
from tests.api.test_change_ledger_support import commit, ledger, projected, report_source
from tests.api.test_flags_api import set_state
from tests.api.test_incident_attribution_api import _flag_of
from tests.api.test_incident_attribution_support import (
    ago,
    change_report,
    deployed,
    incident,
    production,
    swept,
)


class TestTheLedgerHoldsEveryKindOfChange:
    async def test_a_service_page_lists_its_changes_newest_first_with_commits_and_outcomes(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        version = unique("pkg:oci/api@v")
        first_commit = ago(api, 300)
        await report_source(
            api, service, version, commit("1111111", first_commit), commit("2222222", ago(api, 200))
        )
        deployed_at = ago(api, 120)
        deployment = await deployed(api, service, env, deployed_at, artifact=version)
        reported = await change_report(api, service, ago(api, 90), environmentId=env["id"])
        flag = await _flag_of(api, service)
        flipped = await set_state(api, flag["id"], "production-eu")
        flip_id = str(from_global_id(flipped["change"]["id"], "FlagChange"))
        await incident(api, service, "SEV2")
        await swept(api)  # attribution: the flip is the latest change before the incident
        await projected(api, start)

        found = await ledger(api, serviceId=service)

        assert [(e["kind"], e["changeId"]) for e in found] == [
            ("FLAG_CHANGE", flip_id),
            ("CONFIGURATION", str(from_global_id(reported["id"], "ChangeReport"))),
            ("DEPLOYMENT", deployment),
        ]
        flip, config, deploy = found
        assert (flip["outcome"], flip["incidentCount"], flip["changeTypes"]) == (
            "CAUSED_INCIDENT",
            1,
            ["CONFIG"],
        )
        assert (config["outcome"], config["changeTypes"]) == ("SUCCEEDED", ["CONFIG"])
        assert (deploy["strategy"], deploy["artifactVersion"], deploy["commitCount"]) == (
            "reported",
            version,
            2,
        )
        assert deploy["leadTimeSeconds"] == pytest.approx(
            (deployed_at - first_commit).total_seconds(), abs=0.001
        )
        assert deploy["outcome"] == "SUCCEEDED" and deploy["changeTypes"] == []
        assert [c["sha"] for c in deploy["commits"]] == ["1111111", "2222222"]
        assert flip["commits"] == []
        assert deploy["businessUnit"] == {"key": "payments"} and deploy["tier"] == "INTERNAL"

    async def test_filters_narrow_it_by_kind_and_outcome(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        await deployed(api, service, env, ago(api, 100))
        await change_report(api, service, ago(api, 50), environmentId=env["id"])
        await projected(api, start)

        kinds = [e["kind"] for e in await ledger(api, serviceId=service, kind="CONFIGURATION")]
        config = await ledger(api, serviceId=service, changeType="CONFIG")
        failed = await ledger(api, serviceId=service, outcome="CAUSED_INCIDENT")

        assert kinds == ["CONFIGURATION"]
        assert [e["kind"] for e in config] == ["CONFIGURATION"]
        assert failed == []

    async def test_projecting_twice_keeps_one_entry_per_change(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        await deployed(api, service, env, ago(api, 100))
        await projected(api, start)
        await projected(api, start)
        assert len(await ledger(api, serviceId=service)) == 1


class TestTheLedgerIsScopedToYourBusinessUnits:
    async def test_a_change_of_another_business_unit_reads_as_absent(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        await deployed(api, service, env, ago(api, 100))
        await projected(api, start)
        assert len(await ledger(api, as_user="viewer", serviceId=service)) == 1
        made = await api.ok(
            "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) {"
            " businessUnit { id } errors { code } } }",
            {"i": {"key": unique("lbu"), "name": "Elsewhere"}},
        )
        bu = made["businessUnitCreate"]["businessUnit"]["id"]
        [other] = await services(api, bu)
        assert await ledger(api, as_user="viewer", serviceId=other) == []


class TestTheLedgerLeavesAsCsv:
    async def test_the_csv_holds_a_header_and_one_row_per_change(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        await deployed(api, service, env, ago(api, 100))
        await change_report(api, service, ago(api, 50), environmentId=env["id"], summary="=cmd")
        await projected(api, start)
        response = await api.http.get(
            "/insights/change-ledger.csv",
            params={"serviceId": service},
            headers={"authorization": f"Bearer {api.token('auditor')}"},
        )
        assert response.status_code == 200, response.text
        lines = response.text.strip().split("\r\n")
        assert lines[0].startswith("id,kind,at,bu_id")
        assert [line.split(",")[1] for line in lines[1:]] == ["deployment", "configuration"]
        assert lines[2].endswith(",'=cmd")


class TestTheLedgerPreAggregatesDora:
    async def test_only_a_versions_first_deployment_has_a_lead_time(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        version = unique("pkg:oci/api@v")
        await report_source(api, service, version, commit("3333333", ago(api, 300)))
        first = await deployed(api, service, env, ago(api, 120), artifact=version)
        again = await deployed(api, service, env, ago(api, 60), artifact=version)
        await projected(api, start)

        found = {e["changeId"]: e for e in await ledger(api, serviceId=service)}

        assert found[first]["leadTimeSeconds"] == pytest.approx(180 * 60, abs=5)
        assert found[again]["leadTimeSeconds"] is None
        assert found[again]["commitCount"] == 1

    async def test_an_incident_is_kept_with_the_last_deployment_before_it(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        await deployed(api, service, env, ago(api, 120))
        last = await deployed(api, service, env, ago(api, 60))
        made = await incident(api, service, "SEV2")
        await projected(api, start)
        sid = from_global_id(service, "Service")
        async with api.runtime.db.read_session() as session:
            [row] = await ledger_repository.incidents(
                session, Scope(everywhere=True), ledger_repository.LedgerFilter(service_id=sid)
            )
        assert row.id == from_global_id(made["id"], "IncidentReport")
        assert str(row.deployment_id) == last
