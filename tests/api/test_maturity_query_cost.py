"""A page of a BU's assessments with their team, submitter, questionnaire, revisions and
insight (telemetry over four lower contexts, gaps, bottlenecks) costs the same statements for
one assessment as for many: DataLoaders batch them and the telemetry is read once per page."""

from __future__ import annotations

from datetime import timedelta

from domain.insights.maturity_rules import Quarter
from tests.api.conftest import Api, unique
from tests.api.governance_support import person
from tests.api.test_maturity_support import submitted, submitted_then, team
from tests.api.test_query_cost import fewest

PAGE = """query($b: ID!, $n: Int!) { maturityAssessments(filter: {businessUnitId: $b}, first: $n) {
  nodes { quarter team { key } submittedBy { username } questionnaire { number }
    revisions { number submittedBy { username } }
    insight { flagged telemetry { deployments automationShare approvalWaitHours }
      gaps { dimension gap flagged } bottlenecks { step } } } } }"""


async def _bu(api: Api) -> tuple[str, str]:
    key = unique("mcost")
    data = await api.ok(
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) {"
        " businessUnit { id } errors { code } } }",
        {"i": {"key": key, "name": "Maturity cost"}},
    )
    member = await person(api, role="engineer", bu=key)
    return data["businessUnitCreate"]["businessUnit"]["id"], member["username"]


class TestMaturityCostsConstantStatements:
    async def test_a_page_of_assessments_does_not_grow_with_its_assessments(self, api: Api) -> None:
        bu, member = await _bu(api)
        now = Quarter.of(api.runtime.clock.now())
        for _ in range(3):
            team_id = await team(api, bu)
            await submitted_then(
                api, team_id, now.previous.start + timedelta(days=5), member, automation=2
            )
            await submitted(api, team_id, as_user=member, automation=4)
        variables = {"b": bu}

        async def page(n: int) -> dict[str, object]:
            return await api.ok(PAGE, {**variables, "n": n})

        await page(1)  # warm: token, person and grant lookups
        _, one = await fewest(api, lambda: page(1))
        data, six = await fewest(api, lambda: page(6))
        nodes = data["maturityAssessments"]["nodes"]  # type: ignore[index]
        assert len(nodes) == 6 and all(n["insight"] and n["team"] for n in nodes)
        assert six == one, (one, six)
