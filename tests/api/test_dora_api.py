"""DORA's four keys through GraphQL: the figures of a service's history, graded, and the rows
behind each one; a flag-flip-caused incident counted under its change type."""

from __future__ import annotations

from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_change_ledger_support import projected
from tests.api.test_defect_support import deploy, world
from tests.api.test_flags_api import set_state
from tests.api.test_incident_attribution_api import _flag_of
from tests.api.test_incident_attribution_support import (
    RESOLVE,
    ago,
    deployed,
    incident,
    production,
    result,
    swept,
)

DORA = """query($s: DoraScope, $since: DateTime, $o: DoraOptions) {
  doraMetrics(scope: $s, since: $since, options: $o) {
    failureDefinition attribution benchmarks
    keys {
      deploymentFrequency { deployments deploymentDays level }
      leadTime { seconds deploymentsMeasured }
      changeFailureRate { rate failed counted level }
      timeToRestore { seconds incidentsMeasured level }
    }
    trend { start end deploymentFrequency { deployments } }
    rows {
      deployments { changeId kind }
      failures { change { changeId kind changeTypes } incidents { id } }
      restores { seconds incident { id } }
      leftOut { id reason }
    }
  } }"""


async def dora(api: Api, as_user: str = "rmo", **v: Any) -> dict[str, Any]:
    data = await api.ok(DORA, v, as_user=as_user)
    return data["doraMetrics"]  # type: ignore[no-any-return]


async def _flip_then_incident(api: Api) -> dict[str, Any]:
    """A service deployed two hours ago, a flag flipped now, then an incident the attribution
    blames on the flip, resolved; the ledger swept."""
    [service] = await services(api, "payments")
    env = await production(api)
    start = ago(api, 600)
    deployment = await deployed(api, service, env, ago(api, 120))
    flag = await _flag_of(api, service)
    flipped = await set_state(api, flag["id"], "production-eu")
    made = await incident(api, service, "SEV2")
    await swept(api)
    resolved = result(
        await api.gql(RESOLVE, {"i": {"id": made["id"], "version": made["version"]}}, as_user="sre")
    )
    assert resolved["errors"] == [], resolved
    await projected(api, start)
    return {
        "service": service,
        "since": start.isoformat(),
        "deployment": deployment,
        "flip": str(from_global_id(flipped["change"]["id"], "FlagChange")),
        "incident": made["id"],
    }


class TestAFlagFlipCausedIncidentCountsUnderItsChangeType:
    async def test_counted_by_the_recorded_attribution_the_flip_fails_as_a_config_change(
        self, api: Api
    ) -> None:
        w = await _flip_then_incident(api)
        options = {"attribution": "RECORDED", "kinds": ["DEPLOYMENT", "FLAG_CHANGE"]}

        config = await dora(
            api, s={"serviceId": w["service"], "changeType": "CONFIG"}, since=w["since"], o=options
        )

        cfr = config["keys"]["changeFailureRate"]
        assert (cfr["rate"], cfr["failed"], cfr["counted"]) == (1.0, 1, 1)
        [failure] = config["rows"]["failures"]
        assert (failure["change"]["kind"], failure["change"]["changeId"]) == (
            "FLAG_CHANGE",
            w["flip"],
        )
        assert failure["change"]["changeTypes"] == ["CONFIG"]
        assert [i["id"] for i in failure["incidents"]] == [w["incident"]]
        # the deployment shipped no release: no change type, so nothing of type API
        api_only = await dora(
            api, s={"serviceId": w["service"], "changeType": "API"}, since=w["since"], o=options
        )
        assert api_only["keys"]["changeFailureRate"] == {
            "rate": None,
            "failed": 0,
            "counted": 0,
            "level": None,
        }

    async def test_by_devlakes_default_the_incident_counts_against_the_last_deployment(
        self, api: Api
    ) -> None:
        w = await _flip_then_incident(api)

        found = await dora(api, s={"serviceId": w["service"]}, since=w["since"])

        assert (found["failureDefinition"], found["attribution"], found["benchmarks"]) == (
            "INCIDENT",
            "LAST_CHANGE",
            "DORA_2023",
        )
        keys = found["keys"]
        assert keys["deploymentFrequency"]["deployments"] == 1
        assert keys["changeFailureRate"]["rate"] == 1.0
        assert keys["changeFailureRate"]["level"] == "LOW"
        [failure] = found["rows"]["failures"]
        assert (failure["change"]["kind"], failure["change"]["changeId"]) == (
            "DEPLOYMENT",
            w["deployment"],
        )
        assert keys["timeToRestore"]["incidentsMeasured"] == 1
        assert [r["incident"]["id"] for r in found["rows"]["restores"]] == [w["incident"]]
        assert keys["leadTime"] == {"seconds": None, "deploymentsMeasured": 0}
        assert sum(b["deploymentFrequency"]["deployments"] for b in found["trend"]) == 1


class TestTheFourKeysAreScoped:
    async def test_a_service_of_a_business_unit_you_cannot_read_has_no_figures(
        self, api: Api
    ) -> None:
        w = await world(api, 1)
        start = ago(api, 600)
        await deploy(api, w, 0, ago(api, 60))
        await projected(api, start)
        scope = {"serviceId": w.services[0]}
        mine = await dora(api, s=scope, since=start.isoformat())
        theirs = await dora(api, as_user="viewer", s=scope, since=start.isoformat())
        assert mine["keys"]["deploymentFrequency"]["deployments"] == 1
        assert theirs["keys"]["deploymentFrequency"]["deployments"] == 0
        assert theirs["rows"]["deployments"] == []


class TestABadAskingIsRefused:
    async def test_a_period_running_backwards_is_a_typed_error(self, api: Api) -> None:
        body = await api.gql(
            'query { doraMetrics(since: "2026-03-01T00:00:00Z", until: "2026-02-01T00:00:00Z")'
            " { keys { changeFailureRate { rate } } } }"
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
