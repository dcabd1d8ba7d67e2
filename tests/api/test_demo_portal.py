"""The demo portal's server side: the page, and demo tokens in development only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.composition import build_runtime
from api.endpoints.demo_portal import DemoPortal, demo_users
from tests.api.conftest import Api, settings_for

PORTAL = "https://portal.example"
PAGE = "<!doctype html><title>Signalbox demo</title><sb-about></sb-about>"


@pytest.fixture
def components(tmp_path: Path) -> Path:
    """A components directory with the demo page beside it (a placeholder, not the real one)."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "index.html").write_text(PAGE)
    return dist


@asynccontextmanager
async def client(api: Api, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(
        api.runtime.settings.effective_database_url, api.runtime.settings.data_dir, **overrides
    )
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://signalbox.test"
        ) as http,
    ):
        yield http


class TestThePage:
    async def test_the_page_is_served_without_a_token(self, api: Api, components: Path) -> None:
        async with client(api, components_dir=components) as http:
            for path in ("/components/demo", "/components/demo/"):
                response = await http.get(path)
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/html")
                assert response.text == PAGE

    async def test_a_missing_page_is_not_found(self, api: Api, tmp_path: Path) -> None:
        async with client(api, components_dir=tmp_path / "dist") as http:
            response = await http.get("/components/demo")
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


class TestDemoTokensInDevelopment:
    async def test_a_demo_user_gets_a_working_short_lived_token(
        self, api: Api, components: Path
    ) -> None:
        async with client(api, env="development", components_dir=components) as http:
            minted = await http.post("/components/demo/token", json={"username": "approver"})
            assert minted.status_code == 200, minted.text
            assert minted.headers["cache-control"] == "no-store"
            body = minted.json()
            assert body["username"] == "approver" and body["expiresAt"]
            me = await http.post(
                "/graphql",
                json={"query": "{ viewer { person { username } } }"},
                headers={"authorization": f"Bearer {body['token']}"},
            )
            assert me.json()["data"]["viewer"]["person"]["username"] == "approver"

    async def test_the_switcher_lists_the_demo_users(self, api: Api, components: Path) -> None:
        async with client(api, env="development", components_dir=components) as http:
            listed = await http.get("/components/demo/users")
        assert listed.status_code == 200
        names = [u["username"] for u in listed.json()["users"]]
        assert {"rmo", "approver", "viewer", "legal", "compliance"} <= set(names)

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            ({"username": "nobody"}, 404),
            ({"username": ""}, 400),
            ({"name": "approver"}, 400),
            ("approver", 400),
        ],
    )
    async def test_only_demo_users_are_minted(
        self, api: Api, components: Path, body: Any, status: int
    ) -> None:
        async with client(api, env="development", components_dir=components) as http:
            response = await http.post("/components/demo/token", json=body)
        assert response.status_code == status

    async def test_an_allowlisted_portal_on_another_origin_may_call_it(
        self, api: Api, components: Path
    ) -> None:
        async with client(
            api, env="development", components_dir=components, cors_origins=[PORTAL]
        ) as http:
            preflight = await http.options(
                "/components/demo/token",
                headers={
                    "origin": PORTAL,
                    "access-control-request-method": "POST",
                    "access-control-request-headers": "content-type",
                },
            )
            assert preflight.status_code == 200
            assert preflight.headers["access-control-allow-origin"] == PORTAL
            minted = await http.post(
                "/components/demo/token", json={"username": "viewer"}, headers={"origin": PORTAL}
            )
            assert minted.headers["access-control-allow-origin"] == PORTAL
            assert "access-control-allow-credentials" not in minted.headers
            other = await http.post(
                "/components/demo/token",
                json={"username": "viewer"},
                headers={"origin": "https://evil.example"},
            )
            assert "access-control-allow-origin" not in other.headers


class TestDemoTokensElsewhere:
    @pytest.mark.parametrize(
        "overrides", [{"env": "test"}, {"env": "development", "demo_tokens": False}]
    )
    async def test_outside_development_the_endpoints_do_not_exist(
        self, api: Api, components: Path, overrides: dict[str, Any]
    ) -> None:
        async with client(api, components_dir=components, **overrides) as http:
            minted = await http.post("/components/demo/token", json={"username": "approver"})
            listed = await http.get("/components/demo/users")
        assert (minted.status_code, listed.status_code) == (404, 404)

    async def test_a_setting_can_enable_them_outside_development(
        self, api: Api, components: Path
    ) -> None:
        async with client(api, env="test", demo_tokens=True, components_dir=components) as http:
            minted = await http.post("/components/demo/token", json={"username": "approver"})
        assert minted.status_code == 200

    @pytest.mark.parametrize(
        ("overrides", "enabled"),
        [
            ({"env": "development"}, True),
            ({"env": "production"}, False),
            ({"env": "production", "demo_tokens": True}, True),
            ({"env": "development", "oidc_issuer": "https://idp.example"}, False),
            (
                {"env": "development", "demo_tokens": True, "oidc_issuer": "https://idp.example"},
                False,
            ),
        ],
    )
    def test_which_settings_enable_them(
        self, tmp_path: Path, overrides: dict[str, Any], enabled: bool
    ) -> None:
        runtime = build_runtime(
            settings_for(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", tmp_path, **overrides)
        )
        assert DemoPortal(runtime).tokens_enabled() is enabled

    def test_the_demo_users_are_the_demos(self) -> None:
        users = demo_users()
        assert len({u["username"] for u in users}) == len(users) >= 10
