"""Trains through GraphQL: the issue's scenarios (a cadence change applied from the next PI; a
cross-team dependency cycle and a misaligned dependency reported), boarding and the
integration gate. Helpers here are shared by the permission and query-cost tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from tests.api.conftest import Api, ids, unique
from tests.api.test_calendar_api import release

TRAIN_FIELDS = "train { id key version cadence { kind timeZone } } errors { code message field }"
CREATE = f"mutation($i: TrainCreateInput!) {{ trainCreate(input: $i) {{ {TRAIN_FIELDS} }} }}"
CHANGE = f"mutation($i: TrainCadenceChangeInput!) {{ trainCadenceChange(input: $i) {{ {TRAIN_FIELDS} }} }}"
PIS = """mutation($i: TrainPiCreateInput!) { trainPiCreate(input: $i) {
  programIncrements { id seq name startsAt endsAt planningBoundaryAt } errors { code message } } }"""
GENERATE = """mutation($i: TrainDeparturesGenerateInput!) { trainDeparturesGenerate(input: $i) {
  departures { id code departsAt status } errors { code message } } }"""
FEATURE = """mutation($i: FeatureCreateInput!) { featureCreate(input: $i) {
  feature { id version title } errors { code message field } } }"""
DEPEND = """mutation($i: FeatureDependencyInput!) { featureDependencyAdd(input: $i) {
  feature { id dependsOn { title } } errors { code message field } } }"""
DEPARTURES = """query($id: ID!) { node(id: $id) { ... on Train {
  departures(first: 100) { nodes { id code departsAt status programIncrement { seq } } } } } }"""
GRAPH = """query($i: FeatureGraphInput!) { featureGraph(input: $i) {
  nodes { id title } inScope edges { consumerId providerId }
  findings { code message featureIds features { title } }
  criticalPaths { totalEffort features { title } programIncrement { seq } } } }"""


def monday(weeks_from_now: int) -> date:
    today = date.today()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_from_now)


async def payments_teams(api: Api) -> dict[str, str]:
    payments = (await ids(api))["payments"]
    data = await api.ok(
        "query($b: ID!) { node(id: $b) { ... on BusinessUnit { teams(first: 50) {"
        " nodes { id key } } } } }",
        {"b": payments},
    )
    return {t["key"]: t["id"] for t in data["node"]["teams"]["nodes"]}


async def train(
    api: Api,
    *,
    kind: str = "WEEKLY",
    starts_on: date | None = None,
    pis: int = 3,
    bu: str | None = None,
) -> dict[str, Any]:
    """A payments train departing Fridays 17:00 Amsterdam time, with PIs of 2 x 2 weeks and
    their departures; the first PI started a week ago unless `starts_on` says otherwise."""
    bu = bu or (await ids(api))["payments"]
    made = await api.ok(
        CREATE,
        {
            "i": {
                "businessUnitId": bu,
                "key": unique("pay"),
                "name": "Payments train",
                "productDomain": "payments",
                "cadence": {
                    "kind": kind,
                    "weekday": 4,
                    "departureTime": "17:00",
                    "timeZone": "Europe/Amsterdam",
                },
            }
        },
    )
    t = made["trainCreate"]["train"]
    start = starts_on or monday(-1)
    created = await api.ok(
        PIS,
        {
            "i": {
                "trainId": t["id"],
                "iterations": 2,
                "iterationWeeks": 2,
                "startsOn": start.isoformat(),
                "count": pis,
            }
        },
    )
    pi_list = created["trainPiCreate"]["programIncrements"]
    generated = await api.ok(
        GENERATE,
        {"i": {"trainId": t["id"], "fromPiId": pi_list[0]["id"], "toPiId": pi_list[-1]["id"]}},
    )
    return {
        "bu": bu,
        "train": t,
        "pis": pi_list,
        "departures": generated["trainDeparturesGenerate"]["departures"],
    }


async def feature(api: Api, team: str, pi: str, title: str, **kw: Any) -> str:
    data = await api.ok(FEATURE, {"i": {"teamId": team, "piId": pi, "title": title, **kw}})
    return data["featureCreate"]["feature"]["id"]  # type: ignore[no-any-return]


async def depend(api: Api, consumer: str, provider: str) -> None:
    await api.ok(DEPEND, {"i": {"featureId": consumer, "dependsOnId": provider}})


def by_pi(nodes: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for n in nodes:
        out.setdefault(n["programIncrement"]["seq"], []).append(n)
    return out


class TestACadenceChangeIsRecordedAndAppliedFromTheNextPi:
    async def test_history_kept_earlier_departures_unchanged_later_ones_regenerated(
        self, api: Api
    ) -> None:
        ctx = await train(api)
        t, pis = ctx["train"], ctx["pis"]
        before = by_pi((await api.ok(DEPARTURES, {"id": t["id"]}))["node"]["departures"]["nodes"])
        assert [len(before[s]) for s in (1, 2, 3)] == [4, 4, 4]
        assert before[1][0]["code"].startswith(t["key"] + "-")

        change = {
            "trainId": t["id"],
            "version": t["version"],
            "cadence": {
                "kind": "BI_WEEKLY",
                "weekday": 3,
                "departureTime": "18:30",
                "timeZone": "Europe/Amsterdam",
            },
            "reason": "REGULATORY_REQUIREMENT",
            "reasonText": "The regulator wants fewer, better-tested changes.",
        }
        started = await api.gql(CHANGE, {"i": {**change, "effectiveFromPiId": pis[0]["id"]}})
        assert started["data"]["trainCadenceChange"]["errors"][0]["code"] == "PI_ALREADY_STARTED"
        await api.ok(CHANGE, {"i": {**change, "effectiveFromPiId": pis[1]["id"]}})

        after = by_pi((await api.ok(DEPARTURES, {"id": t["id"]}))["node"]["departures"]["nodes"])
        assert after[1] == before[1]
        for seq in (2, 3):
            assert len(after[seq]) == 2
            for d in after[seq]:
                at = datetime.fromisoformat(d["departsAt"])
                assert at.astimezone().tzinfo is not None
                assert d["id"] not in {x["id"] for x in before[seq]} or d["code"] in {
                    x["code"] for x in before[seq]
                }
        history = await api.ok(
            """query($id: ID!) { node(id: $id) { ... on Train { version cadence { kind }
              cadenceHistory { seq reason reasonText effectiveFromSeq cadence { kind departureTime }
                effectiveFrom { id } changedBy { username } } } } }""",
            {"id": t["id"]},
        )
        node = history["node"]
        assert node["cadence"]["kind"] == "BI_WEEKLY"
        assert [h["cadence"]["kind"] for h in node["cadenceHistory"]] == ["WEEKLY", "BI_WEEKLY"]
        first, second = node["cadenceHistory"]
        assert first["reason"] is None and first["effectiveFrom"] is None
        assert second["reason"] == "REGULATORY_REQUIREMENT"
        assert second["effectiveFromSeq"] == 2 and second["effectiveFrom"]["id"] == pis[1]["id"]
        assert second["changedBy"]["username"] == "rmo"

        again = await api.ok(
            GENERATE, {"i": {"trainId": t["id"], "fromPiId": pis[0]["id"], "toPiId": pis[2]["id"]}}
        )
        assert len(again["trainDeparturesGenerate"]["departures"]) == 8
        final = by_pi((await api.ok(DEPARTURES, {"id": t["id"]}))["node"]["departures"]["nodes"])
        assert final == after


class TestACrossTeamCycleAndAMisalignedDependencyAreReported:
    async def test_the_graph_lists_the_cycle_and_the_misalignment(self, api: Api) -> None:
        ctx = await train(api, starts_on=monday(2))
        pi1, pi2 = ctx["pis"][0]["id"], ctx["pis"][1]["id"]
        teams = await payments_teams(api)
        a, b, c = teams["acquiring"], *[v for k, v in teams.items() if k != "acquiring"][:2]
        ledger = await feature(api, a, pi1, "Ledger API", effort=3)
        fraud = await feature(api, b, pi1, "Fraud scoring", effort=5)
        payouts = await feature(api, c, pi1, "Payouts", effort=2)
        for consumer, provider in ((ledger, fraud), (fraud, payouts), (payouts, ledger)):
            await depend(api, consumer, provider)
        checkout = await feature(api, a, pi1, "One-click checkout", effort=1)
        vault = await feature(api, b, pi2, "Token vault v2", effort=8)
        await depend(api, checkout, vault)

        graph = (await api.ok(GRAPH, {"i": {"piId": pi1}}))["featureGraph"]
        codes = [f["code"] for f in graph["findings"]]
        assert codes.count("CYCLE") == 1
        cycle = next(f for f in graph["findings"] if f["code"] == "CYCLE")
        assert {x["title"] for x in cycle["features"]} == {"Ledger API", "Fraud scoring", "Payouts"}
        assert "depends on the next" in cycle["message"]
        misaligned = next(f for f in graph["findings"] if f["code"] == "MISALIGNED_PI")
        assert misaligned["featureIds"] == [checkout, vault]
        assert "ends before" in misaligned["message"]
        assert {n["title"] for n in graph["nodes"]} >= {"Token vault v2", "Ledger API"}
        assert vault not in graph["inScope"]
        assert len(graph["edges"]) == 4

        preview = await api.ok(
            """query($i: FeatureReplanPreviewInput!) { featureReplanPreview(input: $i) {
              upstream { code } moves { feature { title } becauseOf { title } finding { code }
                suggestedProgramIncrement { seq } } } }""",
            {"i": {"featureId": vault, "newPiId": ctx["pis"][2]["id"]}},
        )
        moves = preview["featureReplanPreview"]["moves"]
        assert [m["feature"]["title"] for m in moves] == ["One-click checkout"]
        assert moves[0]["suggestedProgramIncrement"]["seq"] == 3


class TestCriticalPath:
    async def test_the_longest_chain_by_effort_is_the_critical_path(self, api: Api) -> None:
        ctx = await train(api, starts_on=monday(2), pis=1)
        pi = ctx["pis"][0]["id"]
        teams = list((await payments_teams(api)).values())
        x = await feature(api, teams[0], pi, "X", effort=2)
        y = await feature(api, teams[1], pi, "Y", effort=5)
        z = await feature(api, teams[0], pi, "Z", effort=1)
        w = await feature(api, teams[2], pi, "W", effort=1)
        await depend(api, z, y)  # Z after Y after X: 8 points
        await depend(api, y, x)
        await depend(api, w, x)  # W after X: 3 points
        graph = (await api.ok(GRAPH, {"i": {"piId": pi}}))["featureGraph"]
        [path] = graph["criticalPaths"]
        assert [f["title"] for f in path["features"]] == ["X", "Y", "Z"]
        assert path["totalEffort"] == 8
        assert graph["findings"] == []


class TestBoardingAndTheIntegrationGate:
    async def test_a_release_boards_and_the_gate_waits_for_results(self, api: Api) -> None:
        ctx = await train(api, starts_on=monday(2), pis=1)
        departure = ctx["departures"][-1]
        rel = await release(api)
        boarded = await api.ok(
            """mutation($i: DepartureBoardInput!) { departureBoard(input: $i) {
              departure { boardedReleases { id } integrationStatus { passed reason } } errors { code } } }""",
            {"i": {"departureId": departure["id"], "releaseId": rel}},
        )
        d = boarded["departureBoard"]["departure"]
        assert d["boardedReleases"] == [{"id": rel}]
        assert d["integrationStatus"]["passed"] is False
        twice = await api.gql(
            "mutation($i: DepartureBoardInput!) { departureBoard(input: $i) { errors { code } } }",
            {"i": {"departureId": ctx["departures"][0]["id"], "releaseId": rel}},
        )
        assert twice["data"]["departureBoard"]["errors"][0]["code"] == "RELEASE_ALREADY_BOARDED"
        other = await release(api, bu_key="retail")
        foreign = await api.gql(
            "mutation($i: DepartureBoardInput!) { departureBoard(input: $i) { errors { code } } }",
            {"i": {"departureId": departure["id"], "releaseId": other}},
        )
        assert foreign["data"]["departureBoard"]["errors"][0]["code"] == "NOT_IN_BUSINESS_UNIT"

    async def test_results_need_an_ended_window_and_all_suites_passing(self, api: Api) -> None:
        now = api.runtime.clock.now()
        ctx = await train(api, starts_on=monday(-1), pis=2)
        departure = next(
            d
            for d in ctx["departures"]
            if datetime.fromisoformat(d["departsAt"]) > now + timedelta(days=2)
        )
        start, end = now - timedelta(hours=3), now - timedelta(hours=1)
        made = await api.ok(
            """mutation($i: IntegrationWindowScheduleInput!) { integrationWindowSchedule(input: $i) {
              integrationWindow { id } errors { code } } }""",
            {
                "i": {
                    "departureId": departure["id"],
                    "startsAt": start.isoformat(),
                    "endsAt": end.isoformat(),
                    "teamIds": list((await payments_teams(api)).values())[:2],
                }
            },
        )
        window = made["integrationWindowSchedule"]["integrationWindow"]["id"]
        record = """mutation($i: IntegrationResultRecordInput!) { integrationResultRecord(input: $i) {
          integrationResult { suite passed } errors { code } } }"""
        status = """query($id: ID!) { node(id: $id) { ... on Departure {
          integrationStatus { passed reason } integrationWindow { teams { key } results { suite passed } } } } }"""
        empty = (await api.ok(status, {"id": departure["id"]}))["node"]
        assert empty["integrationStatus"]["passed"] is False
        assert "without any recorded result" in empty["integrationStatus"]["reason"]
        await api.ok(
            record,
            {"i": {"windowId": window, "suite": "payments-e2e", "passed": False}},
            as_user="ci",
        )
        await api.ok(
            record,
            {"i": {"windowId": window, "suite": "ledger-contract", "passed": True}},
            as_user="engineer",
        )
        failing = (await api.ok(status, {"id": departure["id"]}))["node"]["integrationStatus"]
        assert failing == {"passed": False, "reason": "Failed suites: payments-e2e."}
        await api.ok(
            record,
            {"i": {"windowId": window, "suite": "payments-e2e", "passed": True}},
            as_user="ci",
        )
        passed = (await api.ok(status, {"id": departure["id"]}))["node"]
        assert passed["integrationStatus"]["passed"] is True
        assert len(passed["integrationWindow"]["results"]) == 3
        assert len(passed["integrationWindow"]["teams"]) == 2
