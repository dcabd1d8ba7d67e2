"""Every private request authenticates: local JWTs and API tokens, refused clearly otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.conftest import Api, ids, unique

TOKEN_CREATE = """
mutation($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) {
    secret apiToken { id prefix expiresAt scopes { role businessUnitId } } errors { code field }
  }
}"""
TEAM_CREATE = """
mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { key } errors { code } } }"""


class TestRequestsWithoutValidCredentials:
    async def test_no_token_is_401_with_a_challenge(self, api: Api) -> None:
        response = await api.post("{ about { name } }", as_user=None)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_a_garbage_token_is_401(self, api: Api) -> None:
        response = await api.post("{ about { name } }", token="not.a.jwt")
        assert response.status_code == 401

    async def test_an_expired_token_is_401(self, api: Api) -> None:
        issuer = api.runtime.authenticator.local_issuer
        assert issuer is not None
        old = issuer.mint(
            "rmo",
            username="rmo",
            name="rmo",
            ttl=timedelta(minutes=5),
            now=api.runtime.clock.now() - timedelta(hours=1),
        )
        response = await api.post("{ about { name } }", token=old)
        assert response.status_code == 401
        assert "TOKEN_EXPIRED" in response.json()["errors"][0]["message"]

    async def test_a_token_for_an_unknown_user_is_401(self, api: Api) -> None:
        response = await api.post("{ about { name } }", as_user="nobody-at-all")
        assert response.status_code == 401

    async def test_basic_auth_is_refused(self, api: Api) -> None:
        response = await api.http.post(
            "/graphql",
            json={"query": "{ about { name } }"},
            headers={"authorization": "Basic cm1vOnJtbw=="},
        )
        assert response.status_code == 401

    async def test_metrics_need_a_token_but_health_does_not(self, api: Api) -> None:
        assert (await api.http.get("/metrics")).status_code == 401
        assert (await api.http.get("/healthz")).status_code == 200
        ready = await api.http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
        metrics = await api.http.get(
            "/metrics", headers={"authorization": f"Bearer {api.token('sre')}"}
        )
        assert metrics.status_code == 200
        assert "signalbox_http_requests_total" in metrics.text

    @pytest.mark.parametrize(
        ("username", "status"),
        [("rmo", 200), ("sre", 200)]
        + [(u, 403) for u in ("auditor", "viewer", "ci", "engineer", "payments-admin")],
    )
    async def test_metrics_are_read_by_the_rmo_and_sres_only(
        self, api: Api, username: str, status: int
    ) -> None:
        # Changed on purpose (issue 14): every signed-in role used to read /metrics.
        response = await api.http.get(
            "/metrics", headers={"authorization": f"Bearer {api.token(username)}"}
        )
        assert response.status_code == status
        if status == 403:
            assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            assert "signalbox_http_requests_total" not in response.text


class TestApiTokens:
    async def _create(
        self, api: Api, as_user: str, scopes: list[dict], ttl: int | None = None
    ) -> dict:
        body = await api.gql(
            TOKEN_CREATE,
            {"input": {"name": unique("ci"), "scopes": scopes, "ttlSeconds": ttl}},
            as_user=as_user,
        )
        return body["data"]["apiTokenCreate"]

    async def test_the_secret_is_shown_once_and_works_as_a_bearer(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        made = await self._create(
            api, "payments-admin", [{"role": "BU_ADMIN", "businessUnitId": bu}]
        )
        assert made["errors"] == []
        secret = made["secret"]
        assert secret.startswith("sbx_") and secret.startswith(made["apiToken"]["prefix"])
        data = await api.ok(
            "{ viewer { via person { username } apiTokens { id secret: prefix lastUsedAt } } }",
            token=secret,
        )
        assert data["viewer"]["via"] == "api_token"
        assert data["viewer"]["person"]["username"] == "payments-admin"
        listed = {t["id"]: t for t in data["viewer"]["apiTokens"]}
        assert listed[made["apiToken"]["id"]]["lastUsedAt"] is not None

    async def test_a_token_is_no_wider_than_its_scope(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        made = await self._create(api, "payments-admin", [{"role": "VIEWER", "businessUnitId": bu}])
        assert made["errors"] == []
        # The creator may create teams (bu_admin) but a viewer-scoped token may not.
        body = await api.gql(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu, "key": unique("t"), "name": "x"}},
            token=made["secret"],
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_a_token_cannot_carry_a_role_its_creator_lacks(self, api: Api) -> None:
        bu_ids = await ids(api)
        made = await self._create(
            api, "payments-admin", [{"role": "BU_ADMIN", "businessUnitId": bu_ids["retail"]}]
        )
        assert made["errors"] == [{"code": "TOKEN_SCOPE_TOO_WIDE", "field": "scopes"}]
        assert made["secret"] is None
        org = await self._create(api, "viewer", [{"role": "ORG_ADMIN"}])
        assert org["errors"][0]["code"] == "TOKEN_SCOPE_TOO_WIDE"

    async def test_a_revoked_token_stops_working_at_once(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        made = await self._create(api, "engineer", [{"role": "ENGINEER", "businessUnitId": bu}])
        assert (await api.post("{ about { name } }", token=made["secret"])).status_code == 200
        revoked = await api.ok(
            "mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { apiToken { revokedAt } errors { code } } }",
            {"i": {"id": made["apiToken"]["id"]}},
            as_user="engineer",
        )
        assert revoked["apiTokenRevoke"]["apiToken"]["revokedAt"]
        response = await api.post("{ about { name } }", token=made["secret"])
        assert response.status_code == 401

    async def test_someone_elses_token_reads_as_not_found(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        made = await self._create(api, "engineer", [{"role": "ENGINEER", "businessUnitId": bu}])
        body = await api.gql(
            "mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { errors { code } } }",
            {"i": {"id": made["apiToken"]["id"]}},
            as_user="viewer",
        )
        assert body["data"]["apiTokenRevoke"]["errors"] == [{"code": "NOT_FOUND"}]

    async def test_ttl_is_bounded(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        made = await self._create(
            api, "engineer", [{"role": "ENGINEER", "businessUnitId": bu}], ttl=400 * 86400
        )
        assert made["errors"] == [{"code": "TOKEN_TTL_INVALID", "field": "ttlSeconds"}]

    async def test_a_token_cannot_mint_another_token(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        made = await self._create(api, "engineer", [{"role": "ENGINEER", "businessUnitId": bu}])
        body = await api.gql(
            TOKEN_CREATE,
            {"input": {"name": "x", "scopes": [{"role": "ENGINEER", "businessUnitId": bu}]}},
            token=made["secret"],
        )
        assert body["data"]["apiTokenCreate"]["errors"][0]["code"] == "TOKEN_SCOPE_TOO_WIDE"
