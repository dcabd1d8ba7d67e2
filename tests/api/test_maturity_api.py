"""Quarterly maturity assessments over GraphQL: submitted once per quarter by the team's
members, revised until the quarter closes with the history kept, refused with typed errors and
nothing stored, read beside the team's telemetry with the gap flagged, and questionnaire
versions published (the gap threshold among them, a control that changes the flag)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from api.graphql.relay import from_global_id
from domain.insights.maturity_rules import Quarter
from domain.insights.maturity_vocabulary import Dimension
from tests.api.conftest import Api, ids, unique
from tests.api.deployments_support import ADVANCE, BASELINE, CREATE, HEALTHY, REPORT, START
from tests.api.environments_support import environment
from tests.api.governance_support import audit_actions, person
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
        assert by_dimension(made)["TESTING"]["telemetryLevel"] is None  # DORA not wired yet
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
