"""What a newcomer meets first: `/`, the schema, the docs, GraphiQL and the components index."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.endpoints.components import Components
from api.graphql.graphiql import GraphiQLPage
from api.settings import Settings
from tests.api.conftest import Api, settings_for
from tests.conftest import skip_or_fail

ELSEWHERE = "https://portal.elsewhere.example"


@pytest.fixture
def built() -> None:
    dist = Settings().components_dir
    if not (dist / "signalbox.js").is_file() or not (dist / "graphiql" / "graphiql.js").is_file():
        skip_or_fail("web-components/dist is not built (run `make components`)")


@pytest.fixture
async def production(api: Api, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(api.runtime.settings.effective_database_url, tmp_path, env="production")
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as h,
    ):
        yield h


class TestLandingPage:
    async def test_development_links_graphiql_the_demo_the_schema_and_the_docs(
        self, api: Api
    ) -> None:
        page = await api.http.get("/", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        links = set(re.findall(r'href="([^"]+)"', page.text))
        assert {"/graphql", "/components/demo", "/schema.graphql", "/components/"} <= links
        assert "/docs/architecture.md" in links
        for link in links:
            followed = await api.http.get(link, headers={"accept": "text/html"})
            assert followed.status_code in (200, 503), link  # 503: a bundle not built

    async def test_production_answers_a_json_index_of_the_endpoints(
        self, production: httpx.AsyncClient
    ) -> None:
        response = await production.get("/", headers={"accept": "text/html"})
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "Signalbox" and body["environment"] == "production"
        paths = {e["path"]: e["methods"] for e in body["endpoints"]}
        assert paths["/graphql"] == ["GET", "POST", "WEBSOCKET"]
        assert "/ofrep/v1/evaluate/flags" in paths and "/healthz" in paths
        assert "/schema.graphql" not in paths

    async def test_production_serves_no_schema_and_no_docs(
        self, production: httpx.AsyncClient
    ) -> None:
        assert (await production.get("/schema.graphql")).status_code == 404
        assert (await production.get("/docs/architecture.md")).status_code == 404

    async def test_a_client_not_asking_for_html_gets_the_json_index(self, api: Api) -> None:
        body = (await api.http.get("/")).json()
        assert any(e["path"] == "/graphql" for e in body["endpoints"])


class TestSchemaAndDocs:
    async def test_the_schema_is_what_schema_graphql_holds(self, api: Api) -> None:
        response = await api.http.get("/schema.graphql")
        assert response.status_code == 200
        committed = (Path(__file__).parents[2] / "schema.graphql").read_text(encoding="utf-8")
        assert response.text == committed

    async def test_docs_are_served_by_name_only(self, api: Api) -> None:
        page = await api.http.get("/docs/architecture.md")
        assert page.status_code == 200 and "# Signalbox architecture" in page.text
        assert (await api.http.get("/docs/nope.md")).status_code == 404
        assert (await api.http.get("/docs/..%2FREADME.md")).status_code == 404


class TestGraphiQLOffline:
    async def test_the_page_loads_only_this_servers_assets(self, api: Api, built: None) -> None:
        page = await api.http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/components/graphiql/") for s in sources), sources
        assert "default-src 'self'" in page.headers["content-security-policy"]
        for source in sources:
            asset = await api.http.get(source)
            assert asset.status_code == 200, source
            assert "immutable" in asset.headers["cache-control"]


class TestComponentsIndex:
    async def test_the_index_names_the_bundle_by_hash_and_its_elements(
        self, api: Api, built: None
    ) -> None:
        page = await api.http.get("/components/")
        assert page.status_code == 200
        bundle = re.search(r'src="(/components/signalbox\.js\?v=[0-9a-f]{16})"', page.text)
        assert bundle is not None
        assert "&lt;sb-release-calendar&gt;" in page.text
        assert (await api.http.get(bundle.group(1))).status_code == 200

    async def test_the_bundle_is_public_to_every_origin_without_credentials(
        self, api: Api, built: None
    ) -> None:
        for path in ("/components/signalbox.js", "/components/graphiql/graphiql.css"):
            response = await api.http.get(path, headers={"origin": ELSEWHERE})
            assert response.headers["access-control-allow-origin"] == "*", path
            assert "access-control-allow-credentials" not in response.headers

    async def test_the_api_keeps_its_cors_allowlist(self, api: Api) -> None:
        response = await api.http.post(
            "/graphql",
            json={"query": "{ about { name } }"},
            headers={"origin": ELSEWHERE, "authorization": f"Bearer {api.token('rmo')}"},
        )
        assert "access-control-allow-origin" not in response.headers


class TestUnbuiltAssetsSayWhatToDo:
    def test_graphiql_unbuilt_is_503_naming_make_components(self, tmp_path: Path) -> None:
        page = GraphiQLPage(tmp_path).render()
        assert page.status_code == 503
        body = bytes(page.body).decode()
        assert "make components" in body and "<script" not in body

    async def test_the_components_index_unbuilt_is_503(self, tmp_path: Path) -> None:
        index = Components(tmp_path).index()
        assert index.status_code == 503
        assert "make components" in bytes(index.body).decode()
