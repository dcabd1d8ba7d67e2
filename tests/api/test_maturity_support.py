"""Helpers of the maturity tests (no tests here): a team of its own in payments, answers, the
GraphQL documents, and submissions of earlier quarters made with the clock moved back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.graphql.relay import from_global_id
from demo.cast import read_cast
from domain.insights import maturity_service
from domain.insights.maturity_commands import Answer, SubmitAssessment
from domain.insights.maturity_rules import Quarter
from domain.insights.maturity_vocabulary import Dimension
from domain.kernel.clock import FixedClock
from tests.api.conftest import Api, ids, unique

ERR = "errors { code field ... on MaturityError { errorCode } }"
FIELDS = """id quarter questionnaireNumber version submittedAt
  answers { dimension level note } team { id } submittedBy { username }
  revisions { number questionnaireNumber answers { dimension level } submittedBy { username } }
  insight { gapThreshold flagged
    telemetry { automationShare bypassRate approvalWaitHours reviewOnTimeShare deployments
      automatedDeployments bypasses signOffs reviewsDue reviewsOnTime changeFailureRate
      deploymentFrequencyPerWeek leadTimeHours recoveryHours }
    gaps { dimension selfLevel telemetryLevel gap flagged }
    bottlenecks { kind step medianWaitHours count } }"""
SUBMIT = f"""mutation($i: MaturityAssessmentSubmitInput!) {{ maturityAssessmentSubmit(input: $i) {{
  maturityAssessment {{ {FIELDS} }} {ERR} }} }}"""
REVISE = f"""mutation($i: MaturityAssessmentReviseInput!) {{ maturityAssessmentRevise(input: $i) {{
  maturityAssessment {{ {FIELDS} }} {ERR} }} }}"""
PUBLISH = f"""mutation($i: MaturityQuestionnairePublishInput!) {{
  maturityQuestionnairePublish(input: $i) {{
  questionnaire {{ id number gapThreshold dimensions {{ dimension title levels {{ level }} }} }}
  {ERR} }} }}"""
ASSESSMENT = f"""query($t: ID!, $q: String!) {{ maturityAssessment(teamId: $t, quarter: $q) {{
  {FIELDS} }} }}"""
HISTORY = f"""query($t: ID!, $n: Int!) {{ maturityAssessments(filter: {{teamId: $t}}, first: $n) {{
  nodes {{ {FIELDS} }} pageInfo {{ hasNextPage }} }} }}"""


def quarter_now(api: Api) -> str:
    return str(Quarter.of(api.runtime.clock.now()))


async def team(api: Api, bu: str = "payments") -> str:
    """A new team in the BU (the demo users hold their roles in payments)."""
    bu_id = (await ids(api)).get(bu, bu)
    data = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": bu_id, "key": unique("mat"), "name": "Maturity tests"}},
    )
    return data["teamCreate"]["team"]["id"]  # type: ignore[no-any-return]


def answers(**levels: int) -> list[dict[str, Any]]:
    """Every dimension at level 3 unless named."""
    return [{"dimension": d.value, "level": levels.get(d.value, 3)} for d in Dimension]


def submit_input(team_id: str, quarter: str, **levels: int) -> dict[str, Any]:
    return {"teamId": team_id, "quarter": quarter, "answers": answers(**levels)}


async def submitted(
    api: Api, team_id: str, as_user: str = "engineer", quarter: str | None = None, **levels: int
) -> dict[str, Any]:
    data = await api.ok(
        SUBMIT, {"i": submit_input(team_id, quarter or quarter_now(api), **levels)}, as_user=as_user
    )
    return data["maturityAssessmentSubmit"]["maturityAssessment"]  # type: ignore[no-any-return]


async def refused(api: Api, query: str, i: dict[str, Any], as_user: str = "engineer") -> list[Any]:
    body = await api.gql(query, {"i": i}, as_user=as_user)
    assert "errors" not in body, body
    p = next(iter(body["data"].values()))
    assert next(v for k, v in p.items() if k != "errors") is None, p
    return [(e["code"], e["field"]) for e in p["errors"]]


async def assessment_of(api: Api, team_id: str, quarter: str) -> dict[str, Any] | None:
    data = await api.ok(ASSESSMENT, {"t": team_id, "q": quarter})
    return data["maturityAssessment"]  # type: ignore[no-any-return]


async def submitted_then(
    api: Api, team_id: str, at: datetime, username: str = "engineer", **levels: int
) -> None:
    """A submission made at `at` (an earlier quarter, while it was open), as the API would."""
    cast = await read_cast(api.runtime)
    assert cast is not None
    c = SubmitAssessment(
        from_global_id(team_id, "Team"),
        str(Quarter.of(at)),
        tuple(Answer(a["dimension"], a["level"]) for a in answers(**levels)),
    )
    await api.runtime.units.at(FixedClock(at)).run(
        lambda uow: maturity_service.submit_assessment(uow, c), actor=cast.actor(username)
    )


def by_dimension(assessment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["dimension"]: g for g in assessment["insight"]["gaps"]}
