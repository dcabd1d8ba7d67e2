"""Promotion statuses as an enum and a recorded decision typed like an asked one, through
GraphQL (SQLite and PostgreSQL); the string filter still answers, deprecated, for one release."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_promotion_cancel_api import CANCEL, cancel, requested
from tests.api.test_promotion_decision import ask, world

DECISION = """status allowed exitCode summary asOf riskLevel
  gates { gate status reason evidence waivedBy { id } }"""
REQUEST = f"""mutation($i: PromotionAskInput!) {{ promotionRequest(input: $i) {{
  promotion {{ id status recordedDecision {{ {DECISION} }} decision }}
  decision {{ {DECISION} }} errors {{ code }} }} }}"""
LISTED = """query($s: [PromotionStatus!]!, $old: String) {
  promotions(filter: {statuses: $s, status: $old}, first: 500) { nodes { id status } } }"""


async def listed(api: Api, statuses: list[str], old: str | None = None) -> dict[str, str]:
    body = await api.ok(LISTED, {"s": statuses, "old": old}, as_user="rmo")
    return {n["id"]: n["status"] for n in body["promotions"]["nodes"]}


class TestARecordedDecisionIsTypedLikeAnAskedOne:
    async def test_the_recorded_decision_is_the_decision_the_request_answered(
        self, api: Api
    ) -> None:
        w = await world(api)
        made = (await api.ok(REQUEST, {"i": ask(w)}, as_user="ci"))["promotionRequest"]
        recorded, answered = made["promotion"]["recordedDecision"], made["decision"]
        assert recorded == answered
        assert recorded["status"] == made["promotion"]["status"]
        stored = made["promotion"]["decision"]
        assert [(g["gate"].upper(), g["status"].upper()) for g in stored["gates"]] == [
            (g["gate"], g["status"]) for g in recorded["gates"]
        ]

    async def test_a_cancelled_promotion_keeps_the_waiting_decision_it_recorded(
        self, api: Api
    ) -> None:
        promotion = await requested(api, "ci")
        await api.ok(CANCEL, cancel(promotion, "Superseded."), as_user="ci")
        body = await api.ok(
            """query($id: ID!) { node(id: $id) { ... on Promotion {
              status recordedDecision { status exitCode summary } } } }""",
            {"id": promotion["id"]},
        )
        node = body["node"]
        assert node["status"] == "CANCELLED"
        assert node["recordedDecision"]["status"] == "WAITING"
        assert node["recordedDecision"]["exitCode"] == 2
        assert node["recordedDecision"]["summary"].startswith("Waiting: ")


class TestPromotionsAreFilteredByTheirStatus:
    async def test_several_statuses_list_exactly_the_promotions_in_them(self, api: Api) -> None:
        waiting = await requested(api, "ci")
        withdrawn = await requested(api, "ci")
        await api.ok(CANCEL, cancel(withdrawn), as_user="ci")
        both = await listed(api, ["WAITING", "CANCELLED"])
        assert both[waiting["id"]] == "WAITING" and both[withdrawn["id"]] == "CANCELLED"
        assert set(both.values()) <= {"WAITING", "CANCELLED"}
        only_cancelled = await listed(api, ["CANCELLED"])
        assert withdrawn["id"] in only_cancelled and waiting["id"] not in only_cancelled
        assert waiting["id"] in await listed(api, [])

    async def test_the_deprecated_string_still_filters_as_before(self, api: Api) -> None:
        withdrawn = await requested(api, "ci")
        await api.ok(CANCEL, cancel(withdrawn), as_user="ci")
        old = await listed(api, [], old="cancelled")
        assert old[withdrawn["id"]] == "CANCELLED" and set(old.values()) == {"CANCELLED"}

    async def test_an_unknown_string_lists_nothing(self, api: Api) -> None:
        assert await listed(api, [], old="sideways") == {}
