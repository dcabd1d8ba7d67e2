"""Incidents linked to changes through GraphQL and the housekeeping sweep (issue 17).

The done-when lines: an incident detected 20 minutes after a production deployment is attributed
to it, and one detected after a flag flip that followed the deployment is attributed to the
flip. The window guardrail decides what still counts; a person confirms or re-attributes with a
reason, refused for a change of another service or made after the detection; every change is
in the audit trail.
"""

from __future__ import annotations

from datetime import timedelta

from api.graphql.relay import from_global_id
from domain.postrelease import incident_sweep
from tests.api.conftest import Api, unique
from tests.api.evidence_support import binary, cdevent
from tests.api.governance_support import audit_actions, new_bu, services
from tests.api.test_flags_api import set_state
from tests.api.test_incident_attribution_support import (
    CHANGE,
    CONFIRM,
    PAYMENTS,
    RATE,
    REATTRIBUTE,
    REPORT,
    RESOLVE,
    ago,
    attribution,
    change_report,
    deployed,
    incident,
    production,
    result,
    service_key,
    swept,
)

GUARDRAILS = """mutation($i: GuardrailBusinessUnitUpdateInput!) {
  guardrailBusinessUnitUpdate(input: $i) { guardrailSet { version } errors { code message } } }"""


class TestAnIncidentIsAttributedToTheChangeThatMostLikelyCausedIt:
    async def test_detected_twenty_minutes_after_a_production_deployment_it_is_that_deployment(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        report_id = await deployed(api, service, env, ago(api, 20))
        inc = await incident(api, service, "SEV2", environmentId=env["id"])
        assert await attribution(api, inc["id"]) is None, "attributed only when the sweep runs"

        done = await swept(api)

        assert done.attributed >= 1
        found = await attribution(api, inc["id"])
        assert found is not None
        assert (found["status"], found["changeKind"], found["changeId"]) == (
            "SUGGESTED",
            "DEPLOYMENT",
            report_id,
        )
        assert "production deployment" in found["reason"]
        assert "20 minutes before the incident was detected" in found["reason"]
        assert found["windowHours"] == 24

    async def test_a_flag_flip_after_the_deployment_is_the_more_likely_cause(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        await deployed(api, service, env, ago(api, 60))
        flag = await _flag_of(api, service)
        flipped = await set_state(api, flag["id"], "production-eu")
        change_id = str(from_global_id(flipped["change"]["id"], "FlagChange"))
        inc = await incident(api, service, "SEV3")

        await swept(api)

        found = await attribution(api, inc["id"])
        assert found is not None
        assert (found["changeKind"], found["changeId"]) == ("FLAG_CHANGE", change_id)
        assert "production flag change" in found["reason"]
        assert "1 earlier change in the window" in found["reason"]

    async def test_a_configuration_change_an_operator_reported_counts_too(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        await deployed(api, service, env, ago(api, 90))
        reported = await change_report(api, service, ago(api, 10), environmentId=env["id"])
        assert reported["environment"] == {"id": env["id"]}
        inc = await incident(api, service, "SEV4")
        await swept(api)
        found = await attribution(api, inc["id"])
        assert found is not None
        assert found["changeKind"] == "CONFIGURATION"
        assert found["changeId"] == str(from_global_id(reported["id"], "ChangeReport"))

    async def test_nothing_in_the_window_leaves_it_unattributed_and_a_wider_window_attributes_it(
        self, api: Api
    ) -> None:
        bu = await new_bu(api)
        [first, second] = await services(api, bu, 2)
        await change_report(api, first, ago(api, 30 * 60), as_user="rmo")
        await change_report(api, second, ago(api, 30 * 60), as_user="rmo")
        before = await incident(api, first, "SEV2", as_user="rmo")
        await swept(api)
        found = await attribution(api, before["id"])
        assert found is not None
        assert (found["status"], found["changeKind"]) == ("UNATTRIBUTED", None)
        assert "in the 24 hours before" in found["reason"]

        widened = await api.ok(
            GUARDRAILS,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {"incident_attribution_window_hours": 48},
                    "version": 0,
                    "note": "incidents of this BU surface late",
                }
            },
        )
        assert widened["guardrailBusinessUnitUpdate"]["errors"] == [], widened
        after = await incident(api, second, "SEV2", as_user="rmo")
        await swept(api)
        found = await attribution(api, after["id"])
        assert found is not None
        assert (found["changeKind"], found["windowHours"]) == ("CONFIGURATION", 48)


async def _flag_of(api: Api, service: str) -> dict[str, object]:
    """A release flag of the service (internal tier: production changes apply at once)."""
    now = api.runtime.clock.now()
    data = await api.ok(
        """mutation($i: FlagCreateInput!) { flagCreate(input: $i) { flag { id key version }
          errors { code } } }""",
        {
            "i": {
                "serviceId": service,
                "key": unique("flag"),
                "name": "New checkout",
                "kind": "RELEASE",
                "expiresAt": (now + timedelta(days=30)).isoformat(),
            }
        },
    )
    return data["flagCreate"]["flag"]  # type: ignore[no-any-return]


class TestTheSweepAttributesInRounds:
    async def test_more_incidents_than_one_round_are_all_attributed_by_one_sweep(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        report_id = await deployed(api, service, env, ago(api, 30))
        count = incident_sweep.ROUND + 5
        made = [await incident(api, service, "SEV4", environmentId=env["id"]) for _ in range(count)]

        done = await swept(api)

        assert done.attributed >= count
        for inc in made:
            found = await attribution(api, inc["id"])
            assert found is not None and found["changeId"] == report_id


class TestAPersonConfirmsOrReattributes:
    async def test_confirming_records_who_and_a_reattribution_needs_a_change_before_detection(
        self, api: Api
    ) -> None:
        [service, other] = await services(api, "payments", 2)
        early = await change_report(api, service, ago(api, 50))
        await change_report(api, service, ago(api, 5))
        elsewhere = await change_report(api, other, ago(api, 5))
        inc = await incident(api, service, "SEV3")
        late = await change_report(api, service, api.runtime.clock.now())
        await swept(api)
        found = await attribution(api, inc["id"])
        assert found is not None

        confirmed = result(
            await api.gql(
                CONFIRM,
                {"i": {"incidentId": inc["id"], "version": found["version"], "note": "agreed"}},
                as_user="sre",
            )
        )
        assert confirmed["errors"] == [], confirmed
        att = confirmed["incidentAttribution"]
        assert (att["status"], att["decidedBy"]["username"], att["note"]) == (
            "CONFIRMED",
            "sre",
            "agreed",
        )

        def move_to(change: dict[str, str], reason: str = "The pool change came first") -> dict:
            return {
                "incidentId": inc["id"],
                "version": att["version"],
                "reason": reason,
                "changeKind": "CONFIGURATION",
                "changeId": str(from_global_id(change["id"], "ChangeReport")),
            }

        for change, code in (
            (elsewhere, "CHANGE_OF_ANOTHER_SERVICE"),
            (late, "CHANGE_AFTER_DETECTION"),
        ):
            refused = result(await api.gql(REATTRIBUTE, {"i": move_to(change)}, as_user="sre"))
            assert [e["code"] for e in refused["errors"]] == [code], refused
            assert refused["errors"][0]["field"] == "changeId"
        blank = result(await api.gql(REATTRIBUTE, {"i": move_to(early, "  ")}, as_user="sre"))
        assert [e["code"] for e in blank["errors"]] == ["INVALID_REASON"]

        moved = result(await api.gql(REATTRIBUTE, {"i": move_to(early)}, as_user="release-manager"))
        assert moved["errors"] == [], moved
        att = moved["incidentAttribution"]
        assert (att["status"], att["changeId"], att["note"]) == (
            "REATTRIBUTED",
            str(from_global_id(early["id"], "ChangeReport")),
            "The pool change came first",
        )
        assert await audit_actions(api, inc["id"]) == ["incident_report.open"]

    async def test_a_change_of_another_business_unit_is_refused(self, api: Api) -> None:
        [service] = await services(api, "payments")
        [foreign] = await services(api, await new_bu(api))
        theirs = await change_report(api, foreign, ago(api, 5), as_user="rmo")
        inc = await incident(api, service, "SEV3")
        await swept(api)
        found = await attribution(api, inc["id"])
        assert found is not None
        refused = result(
            await api.gql(
                REATTRIBUTE,
                {
                    "i": {
                        "incidentId": inc["id"],
                        "version": found["version"],
                        "reason": "theirs",
                        "changeKind": "CONFIGURATION",
                        "changeId": str(from_global_id(theirs["id"], "ChangeReport")),
                    }
                },
            )
        )
        assert [e["code"] for e in refused["errors"]] == ["CHANGE_OF_ANOTHER_BU"]


class TestIncidentsThroughGraphQL:
    async def test_reported_rated_and_resolved_once_each_audited(self, api: Api) -> None:
        [service] = await services(api, "payments")
        inc = await incident(api, service, "SEV3", description="Checkout 5xx")
        assert (inc["status"], inc["severity"]) == ("OPEN", "SEV3")
        rated = result(
            await api.gql(
                RATE, {"i": {"id": inc["id"], "version": inc["version"], "severity": "SEV1"}}
            )
        )["incidentReport"]
        assert rated["severity"] == "SEV1"
        resolved = result(
            await api.gql(RESOLVE, {"i": {"id": inc["id"], "version": rated["version"]}})
        )
        assert resolved["incidentReport"]["status"] == "RESOLVED"
        again = result(
            await api.gql(
                RESOLVE, {"i": {"id": inc["id"], "version": resolved["incidentReport"]["version"]}}
            )
        )
        assert [e["code"] for e in again["errors"]] == ["INCIDENT_RESOLVED"]
        actions = await audit_actions(api, inc["id"])
        assert actions[:3] == [
            "incident_report.open",
            "incident_report.rate",
            "incident_report.resolve",
        ]

    async def test_a_detection_in_the_future_and_a_reused_reference_are_refused(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        future = (api.runtime.clock.now() + timedelta(hours=1)).isoformat()
        body = result(
            await api.gql(
                REPORT,
                {
                    "i": {
                        "serviceId": service,
                        "severity": "SEV2",
                        "incidentRef": "X-1",
                        "detectedAt": future,
                    }
                },
            )
        )
        assert [(e["code"], e["field"]) for e in body["errors"]] == [
            ("INVALID_DETECTED_AT", "detectedAt")
        ]
        ref = unique("INC")
        await incident(api, service, incidentRef=ref)
        twice = result(
            await api.gql(
                REPORT, {"i": {"serviceId": service, "severity": "SEV2", "incidentRef": ref}}
            )
        )
        assert [e["code"] for e in twice["errors"]] == ["INCIDENT_EXISTS"]

    async def test_times_without_a_utc_offset_are_refused_on_their_field(self, api: Api) -> None:
        [service] = await services(api, "payments")
        naive = (api.runtime.clock.now() - timedelta(hours=1)).replace(tzinfo=None).isoformat()
        body = result(
            await api.gql(
                REPORT,
                {
                    "i": {
                        "serviceId": service,
                        "severity": "SEV2",
                        "incidentRef": unique("N"),
                        "detectedAt": naive,
                    }
                },
            )
        )
        assert [(e["code"], e["field"]) for e in body["errors"]] == [
            ("INVALID_DETECTED_AT", "detectedAt")
        ]
        change = result(
            await api.gql(
                CHANGE,
                {
                    "i": {
                        "serviceId": service,
                        "kind": "CONFIGURATION",
                        "summary": "pool size 40",
                        "occurredAt": naive,
                    }
                },
            )
        )
        assert [(e["code"], e["field"]) for e in change["errors"]] == [
            ("INVALID_OCCURRED_AT", "occurredAt")
        ]


class TestAnIncidentFromCdEvents:
    async def test_rated_from_custom_data_and_attributed_like_any_other(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        report_id = await deployed(api, service, env, ago(api, 15))
        key = await service_key(api, service)
        body = cdevent(
            "incident.detected",
            subject_id=unique("INC"),
            content={
                "description": "5xx at checkout",
                "environment": {"id": env["key"]},
                "service": {"id": key},
            },
            timestamp=ago(api, 1).isoformat().replace("+00:00", "Z"),
        )
        body["customData"] = {"severity": "critical"}
        payload, headers = binary(body)
        response = await api.http.post(
            "/cdevents",
            content=payload,
            headers={**headers, **PAYMENTS, "authorization": f"Bearer {api.token('ci')}"},
        )
        assert response.status_code in (200, 201, 202), response.text
        listed = await api.ok(
            """query($s: ID!) { incidentReports(filter: {serviceId: $s}) {
              nodes { id severity } } }""",
            {"s": service},
        )
        [inc] = listed["incidentReports"]["nodes"]
        assert inc["severity"] == "SEV1"
        await swept(api)
        found = await attribution(api, inc["id"])
        assert found is not None
        assert (found["changeKind"], found["changeId"]) == ("DEPLOYMENT", report_id)
