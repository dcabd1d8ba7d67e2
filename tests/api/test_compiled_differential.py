"""Compiled execution answers registered documents exactly as the normal executor does.

Differential: Hypothesis generates business units, teams, services and dependencies, a reader
granted a role in one of the generated BUs, and variables (pages, cursors, garbage); each
registered document is sent by `documentId` (compiled) and as ad-hoc text (the same document
plus a newline: the normal executor), by callers of every reach, and the two answers must be
equal after JSON parsing, status, errors and nulls included. Then: the compiled path really
answered (a spy on it), documents outside the subset fall back, and a BU-scoped reader sees
only its BU.
"""

from __future__ import annotations

import functools
import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from starlette.routing import Route

from api.graphql.endpoint import GraphQLEndpoint
from domain.kernel.pagination import encode_cursor
from domain.organization import commands as cmd
from domain.organization import identity
from domain.organization import service as svc
from domain.organization.documents import document_id, register_document
from tests.api.conftest import Api, serving, settings_for

SERVICE_FIELDS = """
fragment ServiceFields on Service {
  id key name tier dataClassification regions version createdAt updatedAt __typename
  team { id key businessUnit { key } }
  dependsOn { kind service { id key dependents { kind service { key } } } }
  dependents { __typename kind service { key tier } }
}
"""

DOCUMENTS = {
    # The bench's catalogue query, literal page sizes.
    "catalogue": """
query Catalogue {
  businessUnits(first: 10) {
    nodes {
      id key name
      teams(first: 20) {
        nodes {
          id key name
          services(first: 50) {
            pageInfo { hasNextPage endCursor }
            nodes {
              id key name tier dataClassification regions
              dependsOn { kind service { id key name } }
            }
          }
        }
      }
    }
  }
}
""",
    "paged": """
query Paged($bus: Int, $teams: Int, $services: Int, $after: String, $teamsAfter: String) {
  businessUnits(first: $bus, after: $after) {
    __typename
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id key name description version createdAt updatedAt
        teams(first: $teams, after: $teamsAfter) {
          pageInfo { endCursor hasNextPage __typename }
          nodes {
            id key
            businessUnit { id key }
            services(first: $services) {
              edges { cursor node { ...ServiceFields } }
              pageInfo { hasNextPage endCursor }
            }
          }
        }
      }
    }
  }
}
"""
    + SERVICE_FIELDS,
    "services": """
query Services($first: Int = 3, $after: String) {
  all: services(first: $first, after: $after) {
    nodes { ... on Service { businessUnit { key } } ...ServiceFields }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + SERVICE_FIELDS,
    "teams": """
query Teams($first: Int!, $after: String) {
  teams(first: $first, after: $after) {
    edges { __typename cursor node { key k: key services(first: 2) { nodes { key } } } }
  }
}
""",
}


CATALOGUE_COST = 200_000
"""The bench's catalogue document costs 110,621 (`limits_cost.py`), over the default limit."""


@dataclass
class World:
    """What one example created: its BUs, teams and services (rows), and its reader."""

    bus: list[Any] = field(default_factory=list)
    teams: list[Any] = field(default_factory=list)
    services: list[Any] = field(default_factory=list)
    reader: str = ""
    reader_bu: Any = None


@st.composite
def shapes(draw: st.DrawFn) -> dict[str, Any]:
    """BUs, their teams, their services and dependencies between them, as small numbers."""
    teams = draw(st.lists(st.integers(0, 3), min_size=1, max_size=3))  # teams per BU
    services = [draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)) for n in teams]
    count = sum(sum(per_team) for per_team in services)
    edges = (
        draw(st.sets(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=8))
        if count
        else set()
    )
    return {
        "teams": teams,
        "services": services,
        "edges": sorted((a, b) for a, b in edges if a != b),
        "tiers": draw(st.lists(st.sampled_from(["critical", "customer_facing", "internal"]))),
        "role": draw(st.sampled_from(["viewer", "bu_admin", "engineer"])),
        "reader_bu": draw(st.integers(0, len(teams) - 1)),
    }


_made = itertools.count()


async def create(api: Api, shape: dict[str, Any]) -> World:
    """The shape's world, through the domain services, keys unique to this example. Its BUs'
    keys sort first (`a0…`), so root pages start among them."""
    world = World()
    tag = f"{next(_made):03d}{uuid.uuid4().hex[:6]}"
    tiers = shape["tiers"] or ["internal"]
    async with api.runtime.system_unit_of_work() as uow:
        for b, per_bu in enumerate(shape["teams"]):
            bu = await svc.create_business_unit(
                uow, cmd.CreateBusinessUnit(key=f"a0{tag}-b{b}", name=f"BU {tag} {b}")
            )
            world.bus.append(bu)
            for t in range(per_bu):
                team = await svc.create_team(
                    uow, cmd.CreateTeam(bu_id=bu.id, key=f"t{tag}-{b}-{t}", name=f"T {b} {t}")
                )
                world.teams.append(team)
                for s in range(shape["services"][b][t]):
                    n = len(world.services)
                    world.services.append(
                        await svc.create_service(
                            uow,
                            cmd.CreateService(
                                team_id=team.id,
                                key=f"s{tag}-{b}-{t}-{s}",
                                name=f"Service {n}",
                                tier=tiers[n % len(tiers)],
                                data_classification=["public", "personal"][n % 2],
                                regions=[["eu-west-1"], [], ["eu-west-1", "us-east-1"]][n % 3],
                            ),
                        )
                    )
        for consumer, provider in shape["edges"]:
            await svc.add_dependency(
                uow,
                cmd.AddDependency(
                    consumer_id=world.services[consumer].id,
                    provider_id=world.services[provider].id,
                    kind=["runtime", "data", "build"][(consumer + provider) % 3],
                ),
            )
        world.reader = f"reader-{tag}"
        world.reader_bu = world.bus[shape["reader_bu"]]
        person = await identity.create_person(
            uow,
            cmd.CreatePerson(username=world.reader, display_name=world.reader, kind="human"),
            issuer=api.runtime.authenticator.issuer,
        )
        await identity.grant_role(
            uow, cmd.GrantRole(person_id=person.id, role=shape["role"], bu_id=world.reader_bu.id)
        )
        await uow.commit()
    await api.runtime.grants.reload()
    return world


def endpoint_of(api: Api) -> GraphQLEndpoint:
    for route in api.app.routes:
        if isinstance(route, Route) and route.path == "/graphql":
            return route.endpoint.__self__  # type: ignore[attr-defined,no-any-return]
    raise AssertionError("no /graphql route")


@dataclass
class Served:
    api: Api
    answered: list[str]
    """What the compiled path did for each registered request: "compiled" or "normal"."""

    async def registered(self, name: str, variables: dict[str, Any], user: str) -> httpx.Response:
        body = {"documentId": document_id(DOCUMENTS[name]), "variables": variables}
        return await self.api.http.post("/graphql", json=body, headers=self._auth(user))

    async def ad_hoc(self, name: str, variables: dict[str, Any], user: str) -> httpx.Response:
        body = {"query": DOCUMENTS[name] + "\n", "variables": variables}
        return await self.api.http.post("/graphql", json=body, headers=self._auth(user))

    def _auth(self, user: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api.token(user)}"}

    async def both(self, name: str, variables: dict[str, Any], user: str) -> dict[str, Any]:
        """The registered document's answer, having checked it equals the normal executor's."""
        compiled = await self.registered(name, variables, user)
        normal = await self.ad_hoc(name, variables, user)
        assert compiled.status_code == normal.status_code, (compiled.text, normal.text)
        assert _comparable(compiled.json()) == _comparable(normal.json()), (name, variables, user)
        return compiled.json()  # type: ignore[no-any-return]


async def _register(uow: Any, *, name: str, text: str) -> None:
    await register_document(uow, name, text)


def _comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer without what differs per request: a masked error's request id."""
    for error in answer.get("errors") or ():
        error.get("extensions", {}).pop("requestId", None)
    return answer


@pytest.fixture(scope="module")
async def served(api: Api) -> AsyncIterator[Served]:
    """An app that re-reads registered documents on every request, with ours registered."""
    settings = api.runtime.settings
    async with serving(
        settings_for(
            settings.effective_database_url,
            settings.data_dir,
            trusted_documents_refresh_seconds=0,
            graphql_max_cost=CATALOGUE_COST,
            read_cache_seconds=0,  # every registered request runs (tests/api/test_read_cache.py)
        )
    ) as app:
        for name, text in DOCUMENTS.items():
            await app.runtime.units.run(functools.partial(_register, name=name, text=text))
        yield spied(app)


def spied(app: Api) -> Served:
    """The app, with what its compiled path does for each registered request recorded."""
    endpoint = endpoint_of(app)
    answered: list[str] = []
    run = endpoint.compiled.run

    async def spy(context: Any, parsed: dict[str, Any]) -> Any:
        answer = await run(context, parsed)
        answered.append("compiled" if answer is not None else "normal")
        return answer

    endpoint.compiled.run = spy  # type: ignore[method-assign]
    return Served(app, answered)


def pages(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """Variables for the documents: page sizes (some out of range), cursors of the world's
    rows, and cursors nobody gave out."""
    bu_cursors = [encode_cursor(b.key, b.id) for b in world.bus]
    team_cursors = [encode_cursor(t.key, t.id) for t in world.teams]
    service_cursors = [encode_cursor(s.key, s.id) for s in world.services]
    sizes = st.sampled_from([0, 1, 2, 3, 5]) | st.sampled_from([None, -1, 501, "two"])
    junk = st.sampled_from(["nope", encode_cursor(7, uuid.uuid4()), ""])

    def cursor(known: list[str]) -> st.SearchStrategy[str | None]:
        return st.none() | (st.sampled_from(known) if known else st.none()) | junk

    return st.fixed_dictionaries(
        {},
        optional={
            "bus": sizes,
            "teams": sizes,
            "services": sizes,
            "first": sizes,
            "after": cursor(bu_cursors + service_cursors + team_cursors),
            "teamsAfter": cursor(team_cursors),
        },
    )


CALLERS = ["rmo", "auditor", "engineer", "payments-admin", "viewer"]


class TestDifferential:
    @settings(
        max_examples=20,
        deadline=None,
        # Each example commits a world to the shared database: no shrinking (a world differs
        # from run to run in its ids, and replaying examples would take minutes).
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(shape=shapes(), data=st.data())
    async def test_registered_documents_answer_as_the_normal_executor(
        self, served: Served, shape: dict[str, Any], data: st.DataObject
    ) -> None:
        world = await create(served.api, shape)
        callers = [world.reader, *CALLERS]
        for _ in range(6):
            name = data.draw(st.sampled_from(sorted(DOCUMENTS)), label="document")
            variables = data.draw(pages(world), label="variables")
            if name == "teams":
                variables.setdefault("first", 2)
            user = data.draw(st.sampled_from(callers), label="caller")
            await served.both(name, variables, user)

    async def test_the_catalogue_is_compiled_for_every_caller(self, served: Served) -> None:
        for user in CALLERS:
            before = len(served.answered)
            await served.both("catalogue", {}, user)
            assert served.answered[before:] == ["compiled"], user

    async def test_a_request_the_normal_executor_refuses_is_answered_there(
        self, served: Served
    ) -> None:
        costly = {"bus": 500, "teams": 500, "services": 500}
        for variables in ({"bus": 501}, {"after": "nope"}, {"bus": "x"}, costly):
            before = len(served.answered)
            body = await served.both("paged", variables, "rmo")
            assert body["errors"], variables
            assert served.answered[before:] == ["normal"], variables


class TestScope:
    async def test_a_bu_scoped_reader_sees_only_its_bu(self, served: Served) -> None:
        shape = {
            "teams": [1, 1],
            "services": [[2], [1]],
            "edges": [(0, 2), (2, 0), (0, 1)],
            "tiers": [],
            "role": "viewer",
            "reader_bu": 0,
        }
        world = await create(served.api, shape)
        after = encode_cursor("a0", uuid.UUID(int=0))  # before every generated BU
        before = len(served.answered)
        body = await served.both(
            "paged", {"after": after, "bus": 100, "teams": 5, "services": 5}, world.reader
        )
        assert served.answered[before:] == ["compiled"]
        edges = body["data"]["businessUnits"]["edges"]
        assert [e["node"]["key"] for e in edges] == [world.bus[0].key]
        [team] = edges[0]["node"]["teams"]["nodes"]
        services = [e["node"] for e in team["services"]["edges"]]
        assert [s["key"] for s in services] == [s.key for s in world.services[:2]]
        # Service 0 depends on 1 (same BU, shown) and on 2 (the other BU: not shown); 2's
        # dependency on 0 is not shown among 0's dependents either.
        assert [d["service"]["key"] for d in services[0]["dependsOn"]] == [world.services[1].key]
        assert services[0]["dependents"] == []
        everyone = await served.both(
            "paged", {"after": after, "bus": 100, "teams": 5, "services": 5}, "rmo"
        )
        keys = [e["node"]["key"] for e in everyone["data"]["businessUnits"]["edges"]]
        assert world.bus[0].key in keys and world.bus[1].key in keys


class TestFallback:
    @pytest.mark.parametrize(
        ("document", "reason"),
        [
            ("{ businessUnits { nodes { key guardrails { note } } } }", "BusinessUnit.guardrails"),
            ("{ teams(filter: {}) { nodes { key } } }", "arguments ['filter']"),
            ("query($s: Boolean!) { services { nodes { key @include(if: $s) } } }", "directive"),
            ("{ about { name } }", "Query.about"),
            ("mutation { __typename }", "mutation"),
            ('{ node(id: "x") { id } }', "Query.node"),
        ],
    )
    async def test_a_document_outside_the_subset_runs_on_the_normal_executor(
        self, served: Served, document: str, reason: str
    ) -> None:
        compiled = endpoint_of(served.api).compiled
        found = compiled.reason(document)
        assert found is not None and reason in found, found

    async def test_an_unsupported_registered_document_answers_through_the_normal_executor(
        self, served: Served
    ) -> None:
        text = "query Unsupported { businessUnits(first: 1) { nodes { key guardrails { note } } } }"
        await served.api.runtime.units.run(lambda uow: register_document(uow, "u", text))
        before = len(served.answered)
        response = await served.api.http.post(
            "/graphql",
            json={"documentId": document_id(text)},
            headers={"authorization": f"Bearer {served.api.token('rmo')}"},
        )
        assert response.status_code == 200 and "errors" not in response.json()
        assert served.answered[before:] == ["normal"]

    async def test_ad_hoc_documents_never_reach_the_compiled_path(self, served: Served) -> None:
        before = len(served.answered)
        await served.ad_hoc("catalogue", {}, "rmo")
        assert served.answered[before:] == []


class TestRateLimits:
    async def test_the_compiled_path_is_refused_as_the_normal_executor_is(
        self, served: Served
    ) -> None:
        """One request a minute per operation: the registered document's second request is
        refused with the normal executor's answer, status and Retry-After."""
        settings = served.api.runtime.settings
        async with serving(
            settings_for(
                settings.effective_database_url,
                settings.data_dir,
                trusted_documents_refresh_seconds=0,
                rate_limit_enabled=True,
                rate_limit_per_operation="1/minute",
                read_cache_seconds=0,  # a kept answer runs nothing and is charged nothing
            )
        ) as app:
            limited = spied(app)
            variables = {"first": 1}
            first = await limited.registered("teams", variables, "rmo")
            assert first.status_code == 200 and "errors" not in first.json()
            normal = await limited.ad_hoc("teams", variables, "rmo")  # the same operation name
            compiled = await limited.registered("teams", variables, "rmo")
            assert normal.status_code == compiled.status_code == 429
            assert normal.headers["retry-after"] == compiled.headers["retry-after"]
            assert _comparable(normal.json()) == _comparable(compiled.json())
            assert compiled.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert limited.answered == ["compiled", "compiled"]  # the refusal is its own
