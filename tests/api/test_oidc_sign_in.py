"""Signing in with an external OIDC issuer: first sign-in provisions the person (audited),
IdP groups become role grants, and keys come from the issuer's JWKS over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from domain.kernel.clock import FixedClock
from tests.api.conftest import Api, settings_for, unique
from tests.support.oidc import AUDIENCE, NOW, FakeIssuer, serve_issuer


@pytest.fixture(scope="module")
def issuer_server() -> Iterator[FakeIssuer]:
    with serve_issuer() as issuer:
        yield issuer


@pytest.fixture
async def oidc_api(
    migrated_url: str, tmp_path: Path, issuer_server: FakeIssuer, api: Api
) -> AsyncIterator[Api]:
    # `api` loads the demo enterprise (its people belong to the local issuer).
    issuer_server.reset()
    settings = settings_for(
        migrated_url,
        tmp_path,
        oidc_issuer=issuer_server.url,
        oidc_audience=AUDIENCE,
        oidc_group_roles={
            "payments-sre": ["sre@payments"],
            "rmo": ["org_admin"],
            "ghosts": ["sre@no-such-bu"],
        },
    )
    app = create_app(settings, clock=FixedClock(NOW))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://t"
        ) as http,
    ):
        yield Api(app=app, http=http, runtime=app.state.runtime)


ME = "{ viewer { via grants { role source businessUnit { key } } person { username displayName email } } }"


class TestOidcSignIn:
    async def test_first_sign_in_provisions_the_person_with_group_grants(
        self,
        oidc_api: Api,
        issuer_server: FakeIssuer,
    ) -> None:
        subject = unique("sub")
        token = issuer_server.token(
            sub=subject, preferred_username=unique("ann"), groups=["payments-sre", "ghosts"]
        )
        data = await oidc_api.ok(ME, token=token)
        person = data["viewer"]["person"]
        assert person["displayName"] == "Ann Example"
        assert data["viewer"]["grants"] == [
            {"role": "SRE", "source": "group:payments-sre", "businessUnit": {"key": "payments"}}
        ]
        # Grants are effective at once: an SRE may update a payments service.
        services = await oidc_api.ok(
            "{ services(filter: {tier: CRITICAL}, first: 1) { nodes { id version } } }", token=token
        )
        assert services["services"]["nodes"]

    async def test_leaving_a_group_removes_its_grant_at_next_sign_in(
        self,
        oidc_api: Api,
        issuer_server: FakeIssuer,
    ) -> None:
        subject, username = unique("sub"), unique("bob")
        first = issuer_server.token(
            sub=subject, preferred_username=username, groups=["payments-sre"]
        )
        assert (await oidc_api.ok(ME, token=first))["viewer"]["grants"]
        later = issuer_server.token(
            sub=subject, preferred_username=username, groups=[], jti="token-2"
        )
        again = await oidc_api.ok(ME, token=later)
        assert again["viewer"]["person"]["username"] == username
        assert again["viewer"]["grants"] == []

    async def test_a_token_from_another_issuer_is_refused(
        self,
        oidc_api: Api,
        issuer_server: FakeIssuer,
    ) -> None:
        token = issuer_server.token(iss="https://evil.example")
        response = await oidc_api.post("{ about { name } }", token=token)
        assert response.status_code == 401
        assert "TOKEN_BAD_ISSUER" in response.text

    async def test_an_issuer_whose_keys_cannot_be_fetched_gives_503(
        self,
        oidc_api: Api,
        issuer_server: FakeIssuer,
    ) -> None:
        issuer_server.failing = True
        response = await oidc_api.post(
            "{ about { name } }", token=issuer_server.token(sub=unique("s"))
        )
        assert response.status_code == 503
        assert response.headers["retry-after"]
