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
from api.endpoints.demo_portal import DemoPortal, demo_users, local_same_origin
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
async def client(
    api: Api, base_url: str = "http://127.0.0.1:8000", **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(
        api.runtime.settings.effective_database_url, api.runtime.settings.data_dir, **overrides
    )
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url=base_url
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

    async def test_even_an_allowlisted_portal_on_another_origin_may_not_mint(
        self, api: Api, components: Path
    ) -> None:
        # Changed on purpose (issue 14): cross-origin minting used to follow the CORS
        # allowlist; a demo token is an org admin's, so only the same origin may mint one.
        async with client(
            api, env="development", components_dir=components, cors_origins=[PORTAL]
        ) as http:
            listed = await http.get("/components/demo/users", headers={"origin": PORTAL})
            assert listed.status_code == 200
            assert listed.headers["access-control-allow-origin"] == PORTAL
            minted = await http.post(
                "/components/demo/token", json={"username": "viewer"}, headers={"origin": PORTAL}
            )
            assert minted.status_code == 403
            assert minted.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            assert "token" not in minted.json()


class TestDemoTokensOnlyForLoopbackAndSameOrigin:
    """A DNS-rebinding page reaches a developer's server under its own host name, and a
    cross-site page sends its own Origin: neither may mint an org admin's token."""

    @pytest.mark.parametrize(
        ("base_url", "origin", "allowed"),
        [
            ("http://127.0.0.1:8000", None, True),
            ("http://localhost:8000", None, True),
            ("http://LOCALHOST", None, True),
            ("http://[::1]:9000", None, True),
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000", True),
            ("http://localhost", "http://localhost:80", True),
            ("https://localhost", "https://localhost", True),
            ("http://[::1]:9000", "http://[::1]:9000", True),
            ("http://signalbox.test", None, False),
            ("http://attacker.example:8000", "http://attacker.example:8000", False),
            ("http://127.0.0.2:8000", None, False),
            ("http://localhost.attacker.example", None, False),
            ("http://127.0.0.1:8000", "http://attacker.example", False),
            ("http://127.0.0.1:8000", "http://localhost:8000", False),
            ("http://127.0.0.1:8000", "http://127.0.0.1:8001", False),
            ("http://127.0.0.1:8000", "null", False),
            ("http://localhost:8000", "http://localhost:8000/page", False),
        ],
    )
    async def test_only_a_loopback_host_from_its_own_origin_gets_a_token(
        self, api: Api, components: Path, base_url: str, origin: str | None, allowed: bool
    ) -> None:
        headers = {} if origin is None else {"origin": origin}
        async with client(api, base_url, env="development", components_dir=components) as http:
            minted = await http.post(
                "/components/demo/token", json={"username": "viewer"}, headers=headers
            )
        if allowed:
            assert minted.status_code == 200, minted.text
            assert minted.json()["token"]
        else:
            assert minted.status_code == 403, minted.text
            assert minted.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            assert "token" not in minted.json()

    @pytest.mark.parametrize(
        ("host", "origin", "allowed"),
        [
            (None, None, False),
            ("", None, False),
            ("127.0.0.1:notaport", None, False),
            ("user@127.0.0.1", None, False),
            ("127.0.0.1", "http://127.0.0.1", True),
            ("[::1]", "http://[::1]:80", True),
            ("[::1]", "http://[::2]", False),
        ],
    )
    def test_the_rule_on_raw_headers(
        self, host: str | None, origin: str | None, allowed: bool
    ) -> None:
        assert local_same_origin(host, origin, "http") is allowed


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
