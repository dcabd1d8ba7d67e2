"""Trusted documents: the components' operations run by id; in production pages run only them.

The manifest (api/graphql/trusted-documents.json) is what the components' build registers; its
freshness is held here too (against a fresh extraction by web-components/scripts/documents.mjs).
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse, validate

from api.graphql.schema import build_schema
from api.graphql.trusted_documents import document_id, load_manifest
from api.settings import Settings
from api.startup import configuration_problems
from tests.api.conftest import Api, serving, settings_for, unique
from tests.api.test_live_updates import Client
from tests.api.test_live_updates import serving as serving_uvicorn
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "api" / "graphql" / "trusted-documents.json"
COMPONENTS = ROOT / "web-components"
PAGE = "https://portal.example.com"
AD_HOC = "{ about { name version } }"
# A GraphQL operation written as a string literal: `query X(`, `mutation {`, `{ about {`.
INLINE_OPERATION = re.compile(
    r"[`'\"]\s*(?:(?:query|mutation|subscription)\b\s*\w*\s*[({]|\{\s*[a-z]\w*\s*[({])"
)
API_TOKEN = """mutation($i: ApiTokenCreateInput!) {
  apiTokenCreate(input: $i) { secret errors { code } } }"""


def _documents() -> dict[str, str]:
    return load_manifest(MANIFEST)


def _named(operation: str) -> tuple[str, str]:
    """The id and text of the component document that declares `operation`."""
    for key, text in _documents().items():
        if f" {operation}" in text.split("{", 1)[0]:
            return key, text
    raise AssertionError(f"no trusted document declares {operation}")


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def _post(
    api: Api, body: dict[str, Any], token: str | None = None, **headers: str
) -> httpx.Response:
    bearer = token or api.token("rmo")
    return await api.http.post(
        "/graphql", json=body, headers={"authorization": f"Bearer {bearer}", **headers}
    )


def _served(api: Api, **overrides: Any) -> AbstractAsyncContextManager[Api]:
    """The test database (demo loaded by `api`) served with other settings."""
    settings = api.runtime.settings
    return serving(settings_for(settings.effective_database_url, settings.data_dir, **overrides))


@pytest.fixture
async def production(api: Api) -> AsyncIterator[Api]:
    async with _served(api, env="production") as served:
        yield served


class TestARegisteredDocumentRunsByItsId:
    async def test_a_document_id_runs_the_registered_document(self, api: Api) -> None:
        key, _ = _named("SbAbout")
        response = await _post(api, {"documentId": key})
        assert response.status_code == 200, response.text
        assert response.json()["data"]["about"]["name"] == "Signalbox"

    async def test_apollo_persisted_query_hash_names_it_too(self, api: Api) -> None:
        key, _ = _named("SbAbout")
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": key.removeprefix("sha256:")}}
        response = await _post(api, {"extensions": extensions})
        assert response.json()["data"]["about"]["name"] == "Signalbox"

    async def test_a_get_with_a_document_id_runs_it(self, api: Api) -> None:
        key, _ = _named("SbAbout")
        response = await api.http.get(
            "/graphql",
            params={"documentId": key},
            headers={"authorization": f"Bearer {api.token('rmo')}"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["about"]["name"] == "Signalbox"

    async def test_variables_go_with_the_id(self, api: Api) -> None:
        key, _ = _named("SbRiskBadge")
        response = await _post(api, {"documentId": key, "variables": {"id": "UmVsZWFzZTo0MDQ="}})
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"node": None}

    async def test_the_id_with_its_own_text_runs(self, api: Api) -> None:
        key, text = _named("SbAbout")
        response = await _post(api, {"documentId": key, "query": text})
        assert response.json()["data"]["about"]["name"] == "Signalbox"


class TestAnUnknownOrMalformedIdIsRefused:
    async def test_an_id_nobody_registered_is_persisted_query_not_found(self, api: Api) -> None:
        response = await _post(api, {"documentId": document_id("{ about { name } } # mine")})
        assert response.status_code == 400
        assert _code(response) == "PERSISTED_QUERY_NOT_FOUND"
        assert response.json()["errors"][0]["extensions"]["field"] == "documentId"

    async def test_an_unknown_apollo_hash_is_persisted_query_not_found(self, api: Api) -> None:
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
        response = await _post(api, {"extensions": extensions})
        assert response.status_code == 400
        assert _code(response) == "PERSISTED_QUERY_NOT_FOUND"

    @pytest.mark.parametrize(
        "bad", ["sha256:" + "A" * 64, "md5:abc", "0" * 64, 42, "sha256:" + "0" * 63]
    )
    async def test_a_malformed_id_is_bad_user_input(self, api: Api, bad: object) -> None:
        response = await _post(api, {"documentId": bad})
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_an_id_with_another_text_is_refused_not_run(self, api: Api) -> None:
        key, _ = _named("SbAbout")
        name = unique("team")
        mutation = f'mutation {{ teamCreate(input: {{key: "{name}", name: "{name}"}}) {{ errors {{ code }} }} }}'
        response = await _post(api, {"documentId": key, "query": mutation})
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"
        teams = await api.ok("{ teams(first: 500) { nodes { key } } }")
        assert name not in {t["key"] for t in teams["teams"]["nodes"]}

    async def test_a_get_with_an_id_and_another_text_is_refused(self, api: Api) -> None:
        key, _ = _named("SbAbout")
        response = await api.http.get(
            "/graphql",
            params={"documentId": key, "query": AD_HOC},
            headers={"authorization": f"Bearer {api.token('rmo')}"},
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_neither_a_query_nor_an_id_is_bad_user_input(self, api: Api) -> None:
        response = await _post(api, {"variables": {}})
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"


class TestInDevelopmentPagesMayRunAdHocDocuments:
    async def test_a_page_s_ad_hoc_query_runs(self, api: Api) -> None:
        response = await _post(
            api, {"query": AD_HOC}, origin=PAGE, **{"sec-fetch-site": "cross-site"}
        )
        assert response.status_code == 200
        assert response.json()["data"]["about"]["name"] == "Signalbox"

    async def test_enforced_in_development_other_origins_are_refused_the_ide_is_not(
        self, api: Api
    ) -> None:
        async with _served(api, env="development", trusted_documents_only=True) as enforced:
            portal = await _post(
                enforced, {"query": AD_HOC}, origin=PAGE, **{"sec-fetch-site": "cross-site"}
            )
            ide = await _post(
                enforced, {"query": AD_HOC}, origin="http://t", **{"sec-fetch-site": "same-origin"}
            )
        assert _code(portal) == "PERSISTED_QUERY_REQUIRED"
        assert ide.status_code == 200, ide.text


class TestInProductionPagesRunOnlyTrustedDocuments:
    async def test_a_page_s_ad_hoc_query_is_refused_before_it_runs(self, production: Api) -> None:
        response = await _post(production, {"query": AD_HOC}, origin=PAGE)
        assert response.status_code == 403
        assert _code(response) == "PERSISTED_QUERY_REQUIRED"
        assert "data" not in response.json()

    async def test_a_same_origin_fetch_without_origin_is_told_by_sec_fetch_site(
        self, production: Api
    ) -> None:
        response = await _post(production, {"query": AD_HOC}, **{"sec-fetch-site": "same-origin"})
        assert response.status_code == 403
        assert _code(response) == "PERSISTED_QUERY_REQUIRED"

    async def test_a_page_s_ad_hoc_mutation_changes_nothing(self, production: Api) -> None:
        name = unique("team")
        mutation = f'mutation {{ teamCreate(input: {{key: "{name}", name: "{name}"}}) {{ errors {{ code }} }} }}'
        response = await _post(production, {"query": mutation}, origin=PAGE)
        assert _code(response) == "PERSISTED_QUERY_REQUIRED"
        teams = await production.ok("{ teams(first: 500) { nodes { key } } }")
        assert name not in {t["key"] for t in teams["teams"]["nodes"]}

    async def test_a_page_s_ad_hoc_get_is_refused(self, production: Api) -> None:
        response = await production.http.get(
            "/graphql",
            params={"query": AD_HOC},
            headers={"authorization": f"Bearer {production.token('rmo')}", "origin": PAGE},
        )
        assert response.status_code == 403
        assert _code(response) == "PERSISTED_QUERY_REQUIRED"

    async def test_a_page_runs_a_registered_document_by_id(self, production: Api) -> None:
        key, _ = _named("SbAbout")
        response = await _post(production, {"documentId": key}, origin=PAGE)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["about"]["name"] == "Signalbox"

    async def test_a_page_may_send_a_registered_document_s_exact_text(
        self, production: Api
    ) -> None:
        _, text = _named("SbAbout")
        response = await _post(production, {"query": text}, origin=PAGE)
        assert response.status_code == 200, response.text
        refused = await _post(production, {"query": text + " "}, origin=PAGE)
        assert _code(refused) == "PERSISTED_QUERY_REQUIRED"

    async def test_a_script_with_an_api_token_keeps_ad_hoc_queries(self, production: Api) -> None:
        made = await production.ok(
            API_TOKEN, {"i": {"name": unique("script"), "scopes": [{"role": "VIEWER"}]}}
        )
        secret = made["apiTokenCreate"]["secret"]
        response = await _post(production, {"query": AD_HOC}, token=secret)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["about"]["name"] == "Signalbox"
        from_a_page = await _post(production, {"query": AD_HOC}, token=secret, origin=PAGE)
        assert _code(from_a_page) == "PERSISTED_QUERY_REQUIRED"

    async def test_a_script_s_ad_hoc_query_stays_within_the_cost_limit(
        self, production: Api
    ) -> None:
        nested = "query { teams(first: 500) { nodes { services(first: 500) { nodes { key } } } } }"
        response = await _post(production, {"query": nested})
        assert _code(response) == "QUERY_TOO_COSTLY"

    async def test_turning_enforcement_off_lets_a_page_run_ad_hoc(self, api: Api) -> None:
        async with _served(api, env="production", trusted_documents_only=False) as relaxed:
            response = await _post(relaxed, {"query": AD_HOC}, origin=PAGE)
        assert response.status_code == 200, response.text


class TestAPageSubscribesOnlyWithATrustedDocument:
    async def test_an_ad_hoc_subscription_from_a_page_closes_the_socket(self, api: Api) -> None:
        query = "subscription($id: ID!) { goNoGoSessionChanged(sessionId: $id) { id } }"
        async with (
            serving_uvicorn(api, env="production") as host,
            Client.connect(host, origin=f"http://{host}") as page,
        ):
            acked = await page.init({"authorization": f"Bearer {api.token('rmo')}"})
            assert acked["type"] == "connection_ack"
            await page.subscribe("1", query, {"id": "R29Ob0dvU2Vzc2lvbjo0MDQ="})
            assert await page.closed_with() == 4403

    async def test_the_component_s_subscription_is_taken(self, api: Api) -> None:
        _, text = _named("SbGoNoGoLive")
        async with (
            serving_uvicorn(api, env="production") as host,
            Client.connect(host, origin=f"http://{host}") as page,
        ):
            await page.init({"authorization": f"Bearer {api.token('rmo')}"})
            await page.subscribe("1", text, {"id": "R29Ob0dvU2Vzc2lvbjo0MDQ="})
            answer = await page.receive()
        assert answer["id"] == "1", answer
        assert answer["type"] in {"next", "error", "complete"}, answer


class TestTheManifest:
    def test_every_id_is_its_document_s_sha256(self) -> None:
        documents = _documents()
        assert documents
        assert all(key == document_id(text) for key, text in documents.items())

    def test_every_component_document_is_valid_against_the_schema(self) -> None:
        schema = build_schema(Settings(env="production"))._schema
        for key, text in _documents().items():
            assert validate(schema, parse(text)) == [], key

    def test_components_send_only_documents_their_queries_modules_export(self) -> None:
        """What the build registers is what queries.ts exports: an operation written anywhere
        else in a component would never be registered, and fail in production."""
        sources = [
            p
            for p in sorted((COMPONENTS / "src").rglob("*.ts"))
            if not p.name.endswith((".test.ts", ".browser.ts"))
        ]
        inline = {p.name for p in sources if INLINE_OPERATION.search(p.read_text())}
        assert inline == {"queries.ts"}, "operations outside a queries.ts: move them there"

    async def test_the_components_serve_the_same_manifest(self, api: Api) -> None:
        if not (api.runtime.settings.components_dir / "trusted-documents.json").exists():
            skip_or_fail("the components are not built: run `make components`")
        response = await api.http.get("/components/trusted-documents.json")
        assert response.status_code == 200
        assert response.json() == _documents()

    def test_a_tampered_manifest_stops_the_start(self, tmp_path: Path) -> None:
        forged = tmp_path / "trusted-documents.json"
        forged.write_text(json.dumps({document_id(AD_HOC): AD_HOC + " mutation { x }"}))
        with pytest.raises(ValueError, match="not their document's hash"):
            load_manifest(forged)
        problems = configuration_problems(
            Settings(data_dir=tmp_path, trusted_documents_file=forged)
        )
        assert any(p.startswith("SIGNALBOX_TRUSTED_DOCUMENTS_FILE") for p in problems)

    async def test_the_committed_manifest_is_what_the_components_send(self, tmp_path: Path) -> None:
        node = shutil.which("node")
        if node is None or not (COMPONENTS / "node_modules" / "esbuild").is_dir():
            skip_or_fail("node and web-components/node_modules are needed: run `make components`")
        assert node is not None
        fresh = tmp_path / "fresh.json"
        process = await asyncio.create_subprocess_exec(
            node,
            str(COMPONENTS / "scripts" / "documents.mjs"),
            "--out",
            str(fresh),
            cwd=COMPONENTS,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode == 0, err.decode()
        assert fresh.read_text() == MANIFEST.read_text(), (
            "api/graphql/trusted-documents.json is stale: run `npm run documents` in "
            "web-components and commit it"
        )
