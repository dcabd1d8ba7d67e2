"""The `releases` search through GraphQL, on both databases: each filter alone and combined,
sort orders across pages, scoping by BU, and the stable codes of bad input.

The API database is shared by the session, so each test marks its releases with a unique word
and searches for it; every expectation is then exact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import move, person, release, services

SEARCH = """query($f: ReleaseFilter, $first: Int, $after: String) {
  releases(filter: $f, first: $first, after: $after) {
    nodes { id title status } edges { cursor } pageInfo { hasNextPage endCursor } } }"""
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
ASSESS = """mutation($i: ReleaseAssessRiskInput!) { releaseAssessRisk(input: $i) {
  riskAssessment { level } errors { code } } }"""


async def found(api: Api, f: dict[str, Any], *, as_user: str = "rmo") -> list[str]:
    data = await api.ok(SEARCH, {"f": f, "first": 100}, as_user=as_user)
    return [n["title"] for n in data["releases"]["nodes"]]


async def titled(api: Api, title: str, bu: str = "payments", **fields: Any) -> dict[str, Any]:
    return await release(api, bu, as_user="rmo", title=title, **fields)


def refusal(body: dict[str, Any]) -> tuple[str, str | None, str | None]:
    (error,) = body["errors"]
    ext = error["extensions"]
    return ext["code"], ext.get("reason"), ext.get("field")


class TestEachFilter:
    async def test_text_in_title_or_description_ignoring_case(self, api: Api) -> None:
        word = unique("needle")
        await titled(api, f"{word} in the TITLE")
        await titled(api, "another", description=f"Mentions {word.upper()} in passing.")
        await titled(api, f"{word.replace('-', '%')} not a wildcard")
        assert sorted(await found(api, {"text": word})) == sorted(
            [f"{word} in the TITLE", "another"]
        )
        assert await found(api, {"text": f"  {word} IN THE title "}) == [f"{word} in the TITLE"]
        percent = word.replace("-", "%")
        assert await found(api, {"text": percent}) == [f"{percent} not a wildcard"]

    async def test_several_statuses_and_the_deprecated_status(self, api: Api) -> None:
        word = unique("status")
        await titled(api, f"{word} draft")
        cancelled = await titled(api, f"{word} cancelled")
        assert (await move(api, cancelled, "Cancel", as_user="rmo"))["errors"] == []
        assert await found(api, {"text": word, "statuses": ["CANCELLED"]}) == [f"{word} cancelled"]
        assert await found(api, {"text": word, "status": "DRAFT"}) == [f"{word} draft"]
        both = await found(api, {"text": word, "statuses": ["DRAFT", "CANCELLED"]})
        assert sorted(both) == [f"{word} cancelled", f"{word} draft"]
        assert await found(api, {"text": word, "statuses": ["APPROVED"]}) == []

    async def test_any_of_several_services(self, api: Api) -> None:
        word = unique("svc")
        a, b, c = await services(api, "payments", 3)
        await titled(api, f"{word} a", services=[{"serviceId": a, "artifactVersion": "1"}])
        await titled(
            api,
            f"{word} bc",
            services=[{"serviceId": s, "artifactVersion": "1"} for s in (b, c)],
        )
        assert await found(api, {"text": word, "serviceIds": [a]}) == [f"{word} a"]
        assert await found(api, {"text": word, "serviceIds": [c]}) == [f"{word} bc"]
        assert sorted(await found(api, {"text": word, "serviceIds": [a, b]})) == [
            f"{word} a",
            f"{word} bc",
        ]

    async def test_owner(self, api: Api) -> None:
        word = unique("owner")
        owner = await person(api, role="release_manager")
        await titled(api, f"{word} theirs", ownerId=owner["id"])
        await titled(api, f"{word} mine")
        assert await found(api, {"text": word, "ownerId": owner["id"]}) == [f"{word} theirs"]

    async def test_any_of_several_change_types(self, api: Api) -> None:
        word = unique("change")
        await titled(api, f"{word} config", changeTypes=["CONFIG"])
        await titled(api, f"{word} ui api", changeTypes=["UI", "API"])
        assert await found(api, {"text": word, "changeTypes": ["API"]}) == [f"{word} ui api"]
        matched = await found(api, {"text": word, "changeTypes": ["CONFIG", "UI"]})
        assert sorted(matched) == [f"{word} config", f"{word} ui api"]
        assert await found(api, {"text": word, "changeTypes": ["DATA_FIX"]}) == []

    async def test_planned_window_overlapping_a_half_open_range(self, api: Api) -> None:
        word = unique("window")
        await titled(
            api,
            f"{word} first",
            plannedStart="2031-03-01T10:00:00+00:00",
            plannedEnd="2031-03-01T12:00:00+00:00",
        )
        await titled(
            api,
            f"{word} second",
            plannedStart="2031-03-01T12:00:00+00:00",
            plannedEnd="2031-03-01T14:00:00+00:00",
        )
        await titled(api, f"{word} unplanned")
        noon, two = "2031-03-01T12:00:00+00:00", "2031-03-01T14:00:00+00:00"
        assert await found(api, {"text": word, "plannedFrom": noon, "plannedTo": two}) == [
            f"{word} second"
        ]
        assert await found(api, {"text": word, "plannedTo": noon}) == [f"{word} first"]
        overlapping = {"text": word, "plannedFrom": "2031-03-01T11:00:00+00:00", "plannedTo": two}
        assert sorted(await found(api, overlapping)) == [f"{word} first", f"{word} second"]

    async def test_risk_level_of_the_latest_assessment(self, api: Api) -> None:
        word = unique("risk")
        assessed = await titled(api, f"{word} assessed")
        await titled(api, f"{word} never assessed")
        data = await api.ok(ASSESS, {"i": {"releaseId": assessed["id"]}})
        level = data["releaseAssessRisk"]["riskAssessment"]["level"]
        assert await found(api, {"text": word, "riskLevels": [level]}) == [f"{word} assessed"]
        others = [x for x in ("LOW", "MEDIUM", "HIGH", "CRITICAL") if x != level]
        assert await found(api, {"text": word, "riskLevels": others}) == []


class TestCombined:
    async def test_every_filter_at_once_narrows_to_the_one(self, api: Api) -> None:
        word = unique("combo")
        (svc,) = await services(api, "payments")
        line = [{"serviceId": svc, "artifactVersion": "1"}]
        window = {"plannedStart": "2032-05-01T08:00:00+00:00"}
        window["plannedEnd"] = "2032-05-01T09:00:00+00:00"
        target = await titled(api, f"{word} target", services=line, changeTypes=["API"], **window)
        await titled(api, f"{word} other type", services=line, changeTypes=["UI"], **window)
        await titled(api, f"{word} other window", services=line, changeTypes=["API"])
        level = (await api.ok(ASSESS, {"i": {"releaseId": target["id"]}}))["releaseAssessRisk"]
        ids_ = await ids(api)
        f = {
            "text": word.upper(),
            "businessUnitId": ids_["payments"],
            "statuses": ["DRAFT"],
            "serviceIds": [svc],
            "changeTypes": ["API"],
            "riskLevels": [level["riskAssessment"]["level"]],
            "plannedFrom": "2032-05-01T00:00:00+00:00",
            "plannedTo": "2032-05-02T00:00:00+00:00",
        }
        assert await found(api, f) == [f"{word} target"]
        assert await found(api, {**f, "businessUnitId": ids_["retail"]}) == []


async def pages(api: Api, f: dict[str, Any], size: int) -> list[str]:
    """Every title, page by page."""
    titles: list[str] = []
    after = None
    while True:
        data = await api.ok(SEARCH, {"f": f, "first": size, "after": after})
        conn = data["releases"]
        titles += [n["title"] for n in conn["nodes"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return titles
        after = conn["pageInfo"]["endCursor"]


class TestSortAndPages:
    async def test_each_sort_in_both_directions_across_pages(self, api: Api) -> None:
        word = unique("sort")
        starts = {
            "charlie": "2033-01-01",
            "alpha": "2033-01-03",
            "bravo": None,
            "delta": "2033-01-02",
        }
        for name, day in starts.items():
            window = {
                "plannedStart": f"{day}T10:00:00+00:00",
                "plannedEnd": f"{day}T11:00:00+00:00",
            }
            await titled(api, f"{word} {name}", **(window if day else {}))
        by = {name: f"{word} {name}" for name in starts}
        f = {"text": word}
        assert await pages(api, f, 3) == [by[n] for n in starts]
        assert await pages(api, {**f, "descending": True}, 3) == [by[n] for n in reversed(starts)]
        alphabetical = [by[n] for n in sorted(starts)]
        assert await pages(api, {**f, "sort": "TITLE"}, 1) == alphabetical
        assert await pages(api, {**f, "sort": "TITLE", "descending": True}, 3) == alphabetical[::-1]
        planned = [by["charlie"], by["delta"], by["alpha"], by["bravo"]]
        assert await pages(api, {**f, "sort": "PLANNED_START"}, 2) == planned
        latest_first = [by["alpha"], by["delta"], by["charlie"], by["bravo"]]
        assert await pages(api, {**f, "sort": "PLANNED_START", "descending": True}, 1) == (
            latest_first
        )

    async def test_a_cursor_is_refused_under_another_sort(self, api: Api) -> None:
        word = unique("cursor")
        await titled(api, f"{word} one")
        await titled(api, f"{word} two")
        data = await api.ok(SEARCH, {"f": {"text": word, "sort": "TITLE"}, "first": 1})
        cursor = data["releases"]["pageInfo"]["endCursor"]
        body = await api.gql(SEARCH, {"f": {"text": word}, "first": 1, "after": cursor})
        assert refusal(body) == ("BAD_USER_INPUT", "CURSOR_SORT_MISMATCH", "after")
        body = await api.gql(SEARCH, {"f": {"text": word}, "first": 1, "after": "garbage"})
        assert refusal(body)[0] == "BAD_USER_INPUT"


class TestScopeAndBadInput:
    async def test_a_bu_reader_sees_only_their_bus_releases(self, api: Api) -> None:
        word = unique("scope")
        await titled(api, f"{word} payments")
        await titled(api, f"{word} retail", bu="retail")
        assert sorted(await found(api, {"text": word})) == [f"{word} payments", f"{word} retail"]
        assert await found(api, {"text": word}, as_user="viewer") == [f"{word} payments"]
        assert await found(api, {"text": word}, as_user="retail-admin") == [f"{word} retail"]

    async def test_bad_input_has_stable_codes(self, api: Api) -> None:
        body = await api.gql(SEARCH, {"f": {"text": "x" * 201}})
        assert refusal(body) == ("BAD_USER_INPUT", "SEARCH_TEXT_TOO_LONG", "text")
        inverted = {"plannedFrom": "2031-01-02T00:00:00Z", "plannedTo": "2031-01-01T00:00:00Z"}
        body = await api.gql(SEARCH, {"f": inverted})
        assert refusal(body) == ("BAD_USER_INPUT", "INVALID_DATE_RANGE", "plannedFrom")
        empty = {"plannedFrom": "2031-01-01T00:00:00Z", "plannedTo": "2031-01-01T00:00:00Z"}
        assert refusal(await api.gql(SEARCH, {"f": empty}))[1] == "INVALID_DATE_RANGE"
        body = await api.gql(SEARCH, {"f": {"serviceIds": ["x"] * 101}})
        assert refusal(body)[0] == "BAD_USER_INPUT"
        body = await api.gql(SEARCH, {"f": {"sort": "OWNER"}})
        assert body["errors"][0]["extensions"]["code"] in {
            "BAD_USER_INPUT",
            "GRAPHQL_VALIDATION_FAILED",
        }


class TestReadmeExample:
    async def test_the_readme_search_finds_the_demo_fx_release(self, api: Api) -> None:
        query = README.split("```graphql example\n  { releases(filter:")[1].split("```")[0]
        data = await api.ok("{ releases(filter:" + query, as_user="release-manager")
        nodes = data["releases"]["nodes"]
        assert [(n["title"], n["status"]) for n in nodes][:1] == [
            ("FX rates provider switch", "APPROVED")
        ]
