"""Quarterly maturity assessments over GraphQL: submitted once per quarter by the team's
members, revised until the quarter closes with the history kept, refused with typed errors and
nothing stored, read beside the team's telemetry with the gap flagged, and questionnaire
versions published (the gap threshold among them, a control that changes the flag)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.insights import ledger_projection
from domain.insights.maturity_rules import Quarter
from domain.insights.maturity_vocabulary import Dimension
from tests.api.conftest import Api, unique
from tests.api.deployments_support import ADVANCE, BASELINE, CREATE, HEALTHY, REPORT, START
from tests.api.environments_support import environment
from tests.api.governance_support import audit_actions, person, services
from tests.api.test_compliance_controls_support import hotfix, requested, team_of
from tests.api.test_maturity_support import (
    HISTORY,
    PUBLISH,
    REVISE,
    SUBMIT,
    answers,
    assessment_of,
    by_dimension,
    quarter_now,
    refused,
    submit_input,
    submitted,
    submitted_then,
    team,
)


async def service_of(api: Api, team_id: str) -> str:
    data = await api.ok(
        "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } "
        "errors { code } } }",
        {
            "i": {
                "teamId": team_id,
                "key": unique("msvc"),
                "name": "Maturity service",
                "tier": "INTERNAL",
                "dataClassification": "INTERNAL",
                "regions": ["eu-west-1"],
            }
        },
    )
    return data["serviceCreate"]["service"]["id"]  # type: ignore[no-any-return]


async def deployed_by_hand(api: Api, bu: str, service: str, engineer: str) -> None:
    """A canary to production an engineer asked for (a person, not CI), run to success."""
    env = await environment(api, kind="PRODUCTION", region="eu-west-1", businessUnitId=bu)
    steps = [{"weight": w, "dwellMinutes": 0} for w in (10, 50, 100)]
    values = {
        "serviceId": service,
        "environmentId": env["id"],
        "artifactVersion": "2.3.0",
        "strategy": "CANARY",
        "canarySteps": steps,
    }
    dep = (await api.ok(CREATE, {"i": values}, as_user=engineer))["deploymentCreate"]["deployment"]
    data = await api.ok(START, {"i": {"id": dep["id"], "version": dep["version"]}})
    dep = data["deploymentStart"]["deployment"]
    for _ in range(len(dep["steps"])):
        health = {"deploymentId": dep["id"], "stepIndex": dep["currentStep"], "metrics": HEALTHY}
        await api.ok(REPORT, {"i": {**health, "baseline": BASELINE}})
        data = await api.ok(ADVANCE, {"i": {"id": dep["id"], "version": dep["version"]}})
        dep = data["deploymentAdvance"]["deployment"]
    assert dep["status"] == "SUCCEEDED", dep


def publish_input(bu: str, threshold: int, dimensions: list[str] | None = None) -> dict[str, Any]:
    return {
        "businessUnitId": bu,
        "gapThreshold": threshold,
        "dimensions": [
            {"dimension": d, "title": d.title(), "levels": [f"{d} {n}" for n in range(1, 6)]}
            for d in dimensions or [d.value for d in Dimension]
        ],
    }


async def own_bu(api: Api) -> tuple[str, str, str]:
    """A BU of the test's own (its questionnaire versions are its own), a team in it, and an
    engineer granted there; returns (BU id, team id, the engineer's username)."""
    key = unique("mbu")
    data = await api.ok(
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) {"
        " businessUnit { id } errors { code } } }",
        {"i": {"key": key, "name": "Maturity"}},
    )
    bu = data["businessUnitCreate"]["businessUnit"]["id"]
    member = await person(api, role="engineer", bu=key)
    return bu, await team(api, bu), member["username"]


class TestTheScenario:
    async def test_a_self_assessment_above_telemetry_is_flagged_and_the_threshold_decides(
        self, api: Api
    ) -> None:
        """The team rates its automation 4, but its one production deployment this quarter
        was asked for by a person: automation share 0, telemetry level 1, a gap of 3, flagged
        at the built-in threshold of 2. The BU publishes a threshold of 4; the revision that
        answers the new version leaves the same gap unflagged."""
        bu, team_id, member = await own_bu(api)
        await deployed_by_hand(api, bu, await service_of(api, team_id), member)
        since = api.runtime.clock.now() - timedelta(days=1)
        await api.runtime.units.run(lambda uow: ledger_projection.catch_up(uow, since=since))
        made = await submitted(api, team_id, as_user=member, automation=4)
        insight = made["insight"]
        telemetry = insight["telemetry"]
        assert (telemetry["deployments"], telemetry["automatedDeployments"]) == (1, 0)
        assert telemetry["automationShare"] == 0
        assert by_dimension(made)["AUTOMATION"] == {
            "dimension": "AUTOMATION",
            "selfLevel": 4,
            "telemetryLevel": 1,
            "gap": 3,
            "flagged": True,
        }
        assert insight["flagged"] is True and insight["gapThreshold"] == 2
        # DORA from the change ledger: one deployment, no incident against it.
        assert telemetry["changeFailureRate"] == 0
        assert telemetry["deploymentFrequencyPerWeek"] > 0
        assert by_dimension(made)["TESTING"]["telemetryLevel"] == 5
        assert made["questionnaireNumber"] == 1

        published = await api.ok(PUBLISH, {"i": publish_input(bu, 4)})
        assert published["maturityQuestionnairePublish"]["questionnaire"]["number"] == 2
        data = await api.ok(
            REVISE,
            {
                "i": {
                    "id": made["id"],
                    "version": made["version"],
                    "answers": answers(automation=4),
                    "reason": "answer the BU's new questionnaire",
                }
            },
            as_user=member,
        )
        revised = data["maturityAssessmentRevise"]["maturityAssessment"]
        assert revised["questionnaireNumber"] == 2
        assert revised["insight"]["gapThreshold"] == 4
        assert by_dimension(revised)["AUTOMATION"]["gap"] == 3
        assert by_dimension(revised)["AUTOMATION"]["flagged"] is False
        assert revised["insight"]["flagged"] is False
        assert [r["questionnaireNumber"] for r in revised["revisions"]] == [1, 2]


class TestSubmitting:
    async def test_a_team_member_submits_once_per_quarter_and_it_is_audited(self, api: Api) -> None:
        team_id = await team(api)
        made = await submitted(api, team_id, governance=4)
        assert made["quarter"] == quarter_now(api) and made["version"] == 1
        assert made["submittedBy"] == {"username": "engineer"}
        assert {a["dimension"]: a["level"] for a in made["answers"]}["GOVERNANCE"] == 4
        assert [r["number"] for r in made["revisions"]] == [1]
        assert "maturity_assessment.submit" in await audit_actions(api, made["id"])
        again = await refused(api, SUBMIT, submit_input(team_id, quarter_now(api)))
        assert again == [("ALREADY_SUBMITTED", "quarter")]

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            ({"answers": answers(testing=6)}, [("LEVEL_OUT_OF_RANGE", "answers.2.level")]),
            ({"answers": answers(testing=0)}, [("LEVEL_OUT_OF_RANGE", "answers.2.level")]),
            (
                {"answers": [*answers(), {"dimension": "happiness", "level": 3}]},
                [("UNKNOWN_DIMENSION", "answers.7.dimension")],
            ),
            ({"answers": answers()[:-1]}, [("DIMENSION_NOT_ANSWERED", "answers")]),
            ({"quarter": "2025-Q1"}, [("QUARTER_CLOSED", "quarter")]),
            ({"quarter": "2999-Q1"}, [("QUARTER_NOT_STARTED", "quarter")]),
            ({"quarter": "Q5"}, [("INVALID_QUARTER", "quarter")]),
        ],
    )
    async def test_bad_input_is_a_typed_error_and_nothing_is_stored(
        self, api: Api, change: dict[str, Any], expected: list[tuple[str, str]]
    ) -> None:
        team_id = await team(api)
        values = {**submit_input(team_id, quarter_now(api)), **change}
        assert await refused(api, SUBMIT, values) == expected
        assert await assessment_of(api, team_id, quarter_now(api)) is None

    async def test_the_rmo_oversees_assessments_and_does_not_answer_them(self, api: Api) -> None:
        team_id = await team(api)
        values = submit_input(team_id, quarter_now(api))
        assert await refused(api, SUBMIT, values, as_user="rmo") == [("NOT_A_MEMBER", None)]
        assert await assessment_of(api, team_id, quarter_now(api)) is None


class TestRevising:
    async def test_a_revision_keeps_the_earlier_answers_in_the_history(self, api: Api) -> None:
        team_id = await team(api)
        made = await submitted(api, team_id, testing=2)
        values = {"id": made["id"], "version": 1, "answers": answers(testing=3), "reason": "CI"}
        data = await api.ok(REVISE, {"i": values}, as_user="sre")
        revised = data["maturityAssessmentRevise"]["maturityAssessment"]
        assert revised["version"] == 2 and revised["submittedBy"] == {"username": "sre"}
        levels = [
            {a["dimension"]: a["level"] for a in r["answers"]}["TESTING"]
            for r in revised["revisions"]
        ]
        assert levels == [2, 3]
        assert [r["submittedBy"]["username"] for r in revised["revisions"]] == ["engineer", "sre"]
        assert "maturity_assessment.revise" in await audit_actions(api, made["id"])
        stale = await refused(api, REVISE, values, as_user="sre")
        assert stale == [("VERSION_CONFLICT", "version")]

    async def test_a_closed_quarter_is_final(self, api: Api) -> None:
        team_id = await team(api)
        earlier = Quarter.of(api.runtime.clock.now()).previous
        await submitted_then(api, team_id, earlier.start + timedelta(days=3), testing=2)
        past = await assessment_of(api, team_id, str(earlier))
        assert past is not None
        values = {"id": past["id"], "version": 1, "answers": answers(), "reason": "late"}
        assert await refused(api, REVISE, values) == [("QUARTER_CLOSED", "quarter")]
        again = await assessment_of(api, team_id, str(earlier))
        assert again is not None and again["version"] == 1 and len(again["revisions"]) == 1


class TestHistory:
    async def test_a_teams_quarters_read_oldest_first_a_page_at_a_time(self, api: Api) -> None:
        team_id = await team(api)
        now = Quarter.of(api.runtime.clock.now())
        quarters = [now.previous.previous.previous, now.previous.previous, now.previous]
        for n, q in enumerate(quarters, start=1):
            await submitted_then(api, team_id, q.start + timedelta(days=10), automation=n + 1)
        await submitted(api, team_id, automation=5)
        data = await api.ok(HISTORY, {"t": team_id, "n": 3})
        page = data["maturityAssessments"]
        assert [n["quarter"] for n in page["nodes"]] == [str(q) for q in quarters]
        assert page["pageInfo"]["hasNextPage"] is True
        levels = [by_dimension(n)["AUTOMATION"]["selfLevel"] for n in page["nodes"]]
        assert levels == [2, 3, 4]


class TestQuestionnaires:
    async def test_versions_number_on_from_the_built_in_one(self, api: Api) -> None:
        bu, _, _ = await own_bu(api)
        current = await api.ok(
            "query($b: ID!) { maturityQuestionnaire(businessUnitId: $b) { number builtIn "
            "gapThreshold dimensions { dimension levels { level description } } } }",
            {"b": bu},
        )
        assert current["maturityQuestionnaire"]["builtIn"] is True
        assert len(current["maturityQuestionnaire"]["dimensions"]) == 7
        first = await api.ok(PUBLISH, {"i": publish_input(bu, 3, ["governance"])})
        second = await api.ok(PUBLISH, {"i": publish_input(bu, 2)}, as_user="rmo")
        numbers = [
            p["maturityQuestionnairePublish"]["questionnaire"]["number"] for p in (first, second)
        ]
        assert numbers == [2, 3]
        published = first["maturityQuestionnairePublish"]["questionnaire"]
        assert "maturity_questionnaire.publish" in await audit_actions(api, published["id"])
        current = await api.ok(
            "query($b: ID!) { maturityQuestionnaire(businessUnitId: $b) { number builtIn } }",
            {"b": bu},
        )
        assert current["maturityQuestionnaire"] == {"number": 3, "builtIn": False}

    async def test_a_version_asking_less_makes_other_dimensions_unknown(self, api: Api) -> None:
        bu, team_id, member = await own_bu(api)
        await api.ok(PUBLISH, {"i": publish_input(bu, 2, ["governance", "automation"])})
        values = submit_input(team_id, quarter_now(api))
        errors = await refused(api, SUBMIT, values, as_user=member)
        assert errors == [("UNKNOWN_DIMENSION", "answers.2.dimension")]
        values["answers"] = values["answers"][:2]
        data = await api.ok(SUBMIT, {"i": values}, as_user=member)
        made = data["maturityAssessmentSubmit"]["maturityAssessment"]
        assert made["questionnaireNumber"] == 2 and len(made["answers"]) == 2

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"gapThreshold": 0}, "INVALID_GAP_THRESHOLD"),
            ({"dimensions": []}, "NO_DIMENSIONS"),
        ],
    )
    async def test_a_bad_version_is_refused_and_nothing_is_published(
        self, api: Api, change: dict[str, Any], code: str
    ) -> None:
        bu, _, _ = await own_bu(api)
        errors = await refused(api, PUBLISH, {**publish_input(bu, 2), **change}, as_user="rmo")
        assert [c for c, _ in errors] == [code]
        listed = await api.ok(
            "query($b: ID!) { maturityQuestionnaires(filter: {businessUnitId: $b}) { nodes { id } } }",
            {"b": bu},
        )
        assert listed["maturityQuestionnaires"]["nodes"] == []

    async def test_an_unknown_dimension_in_a_version_is_refused(self, api: Api) -> None:
        bu, _, _ = await own_bu(api)
        values = publish_input(bu, 2, ["governance", "vibes"])
        errors = await refused(api, PUBLISH, values, as_user="rmo")
        assert errors == [("UNKNOWN_DIMENSION", "dimensions.1.dimension")]


class TestTelemetry:
    async def test_a_bypass_of_the_teams_release_counts_and_a_rate_needs_deployments(
        self, api: Api
    ) -> None:
        """An emergency bypass requested for a hotfix shipping the team's service counts
        against the team; with no production deployment this quarter there is no rate to
        judge, so readiness shows no telemetry level rather than a made-up one."""
        [service] = await services(api, "payments")
        rel = await hotfix(api, service_ids=[service])
        made = await requested(api, rel)
        assert made["errors"] == [], made
        team_id = await team_of(api, service)
        assessment = await submitted(api, team_id, readiness=5)
        telemetry = assessment["insight"]["telemetry"]
        assert (telemetry["bypasses"], telemetry["deployments"]) == (1, 0)
        assert telemetry["bypassRate"] is None and telemetry["automationShare"] is None
        assert by_dimension(assessment)["READINESS"]["telemetryLevel"] is None
        assert by_dimension(assessment)["READINESS"]["flagged"] is False


class TestOneQuarterOfABusinessUnit:
    async def test_a_bus_teams_stand_side_by_side_in_one_quarter(self, api: Api) -> None:
        bu, first, member = await own_bu(api)
        second = await team(api, bu)
        earlier = Quarter.of(api.runtime.clock.now()).previous
        await submitted_then(api, first, earlier.start + timedelta(days=3), member)
        for team_id in (first, second):
            await submitted(api, team_id, as_user=member)
        data = await api.ok(
            "query($b: ID!, $q: String!) { maturityAssessments("
            "filter: {businessUnitId: $b, quarter: $q}) { nodes { quarter team { id } } } }",
            {"b": bu, "q": quarter_now(api)},
        )
        nodes = data["maturityAssessments"]["nodes"]
        assert {n["team"]["id"] for n in nodes} == {first, second}
        assert {n["quarter"] for n in nodes} == {quarter_now(api)}
