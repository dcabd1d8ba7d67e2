"""Fairness (issue 14): one caller's flood is refused with 429, Retry-After and RATE_LIMITED,
while another caller's light query still succeeds; limits reset once their window passes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from limits import parse

from api.rate_limits import RateLimits, per_worker
from api.settings import Settings
from tests.api.conftest import Api, serving, settings_for, unique
from tests.api.test_idempotency_exactly_once import TEAM_CREATE, team_input
from tests.api.test_live_updates import SUBSCRIBE, Client, next_state, open_session
from tests.api.test_live_updates import serving as live_server

LIGHT = "query Light { businessUnits(first: 1) { nodes { key } } }"
PAGE = "query Page { teams(first: 100) { nodes { id } } }"  # costs 1 + 100
FLOOD_BOUND = 40


async def flood(send: Any) -> httpx.Response:
    """Send until refused (at most FLOOD_BOUND requests); the refusal."""
    for _ in range(FLOOD_BOUND):
        response: httpx.Response = await send()
        if response.status_code == 429:
            return response
        assert response.status_code == 200, response.text
    pytest.fail(f"{FLOOD_BOUND} requests and none refused")


async def flooded(app: Api, query: str) -> httpx.Response:
    """The viewer sends `query` until refused; the refusal, checked."""
    viewer = app.token("viewer")
    refusal = await flood(lambda: app.post(query, token=viewer))
    assert_rate_limited(refusal)
    return refusal


async def after_waiting(wait: int, send: Any) -> httpx.Response:
    """`send` again after each Retry-After, until answered (at most 5 times): waiting longer
    only helps, so this is bounded but never a timing assertion."""
    for _ in range(5):
        await asyncio.sleep(wait)
        response: httpx.Response = await send()
        if response.status_code != 429:
            return response
        wait = int(response.headers["retry-after"])
    return response


def assert_rate_limited(response: httpx.Response) -> int:
    """The refusal's shape; its Retry-After in seconds."""
    assert response.status_code == 429
    wait = int(response.headers["retry-after"])
    assert wait >= 1
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == wait
    return wait


Limited = Callable[..., AbstractAsyncContextManager[Api]]


@pytest.fixture
def limited(api: Api, migrated_url: str, tmp_path: Path) -> Limited:
    """Opens an app over the demo-loaded database with the limits on, and these overrides."""

    @asynccontextmanager
    async def open_app(**overrides: Any) -> AsyncIterator[Api]:
        settings = settings_for(migrated_url, tmp_path, rate_limit_enabled=True, **overrides)
        async with serving(settings) as served:
            yield served

    return open_app


class TestSubjectRate:
    async def test_a_viewers_flood_is_refused_while_another_users_light_query_succeeds(
        self, limited: Limited
    ) -> None:
        async with limited(rate_limit_per_subject="5/minute") as app:
            await flooded(app, LIGHT)
            other = await app.post(LIGHT, as_user="rmo")
            assert other.status_code == 200
            assert other.json()["data"]["businessUnits"]["nodes"], other.text

    async def test_the_limit_resets_once_its_window_has_passed(self, limited: Limited) -> None:
        async with limited(rate_limit_per_subject="3 per 2 seconds") as app:
            viewer = app.token("viewer")
            wait = assert_rate_limited(await flood(lambda: app.post(LIGHT, token=viewer)))
            again = await after_waiting(wait, lambda: app.post(LIGHT, token=viewer))
            assert again.status_code == 200, again.text

    async def test_health_and_readiness_are_never_limited(self, limited: Limited) -> None:
        async with limited(rate_limit_per_subject="3/minute") as app:
            for _ in range(10):
                assert (await app.http.get("/healthz")).status_code == 200
                assert (await app.http.get("/readyz")).status_code == 200


class TestAnonymous:
    async def test_public_paths_are_limited_by_client_address(self, limited: Limited) -> None:
        async with limited(rate_limit_per_address="3/minute") as app:
            refusal = await flood(lambda: app.http.get("/schema.graphql"))
            assert_rate_limited(refusal)
            # A caller with a token is counted as itself, not by its address.
            assert (await app.post(LIGHT, as_user="viewer")).status_code == 200


class TestFailedAuthentication:
    async def test_an_address_failing_too_often_is_refused_before_its_tokens_are_checked(
        self, limited: Limited
    ) -> None:
        async with limited(rate_limit_failed_auth_per_address="3/minute") as app:
            for _ in range(3):
                assert (await app.post(LIGHT, token="not-a-token")).status_code == 401
            assert_rate_limited(await app.post(LIGHT, token="not-a-token"))
            assert (await app.http.get("/healthz")).status_code == 200

    async def test_successful_authentications_are_not_counted(self, limited: Limited) -> None:
        async with limited(rate_limit_failed_auth_per_address="3/minute") as app:
            for _ in range(5):
                assert (await app.post(LIGHT, as_user="viewer")).status_code == 200
            assert (await app.post(LIGHT, token="not-a-token")).status_code == 401


class TestOperationRate:
    async def test_one_operation_flooded_leaves_the_callers_other_operations_alone(
        self, limited: Limited
    ) -> None:
        async with limited(rate_limit_per_operation="3/minute") as app:
            refusal = await flooded(app, LIGHT)
            assert refusal.json()["errors"][0]["message"].startswith("Too many `query Light`")
            other = await app.post(
                "query Other { businessUnits(first: 1) { nodes { key } } }", as_user="viewer"
            )
            assert other.status_code == 200, other.text


class TestCostBudget:
    async def test_a_spent_budget_refuses_the_caller_and_not_another(
        self, limited: Limited
    ) -> None:
        async with limited(graphql_cost_budget_per_minute=1000) as app:
            refusal = await flooded(app, PAGE)
            assert "budget of 1000 per minute" in refusal.json()["errors"][0]["message"]
            other = await app.post(PAGE, as_user="rmo")
            assert other.status_code == 200
            assert "errors" not in other.json()

    async def test_the_budget_resets_once_its_window_has_passed(self, limited: Limited) -> None:
        async with limited() as app:
            # A window of two seconds for the test (the setting's is a minute): 2 pages of 101.
            app.runtime.rate_limits.cost_budget = parse("250 per 2 seconds")
            wait = assert_rate_limited(await flooded(app, PAGE))
            again = await after_waiting(wait, lambda: app.post(PAGE, as_user="viewer"))
            assert again.status_code == 200, again.text
            assert "errors" not in again.json()

    async def test_an_operation_costlier_than_the_whole_budget_is_refused_at_once(
        self, limited: Limited
    ) -> None:
        async with limited(graphql_cost_budget_per_minute=50) as app:
            response = await app.post(PAGE, as_user="viewer")
            assert_rate_limited(response)


class TestIdempotencyKey:
    async def test_a_refusal_is_not_kept_as_the_keys_answer(
        self, api: Api, limited: Limited
    ) -> None:
        variables = await team_input(api, "rate")
        headers = {"idempotency-key": unique("rate")}
        async with limited(graphql_cost_budget_per_minute=1) as app:
            refused = await app.post(TEAM_CREATE, variables, as_user="rmo", headers=headers)
            assert_rate_limited(refused)
            app.runtime.rate_limits.cost_budget = parse("1000/minute")
            again = await app.post(TEAM_CREATE, variables, as_user="rmo", headers=headers)
            assert again.status_code == 200, again.text
            assert again.headers.get("idempotent-replayed") is None
            assert again.json()["data"]["teamCreate"]["errors"] == []


class TestInFlight:
    async def test_a_caller_holds_at_most_its_share_of_places(self) -> None:
        limits = RateLimits(Settings(rate_limit_in_flight_per_subject=2))
        assert limits.enter("a") is None
        assert limits.enter("a") is None
        refusal = limits.enter("a")
        assert refusal is not None and refusal.retry_after == 1
        assert limits.enter("b") is None  # another caller is not affected
        limits.leave("a")
        assert limits.enter("a") is None


class TestWorkers:
    def test_per_worker_storage_splits_the_limit_among_workers(self) -> None:
        item = per_worker("600/minute", Settings(workers=4))
        assert (item.amount, item.get_expiry()) == (150, 60)

    def test_a_shared_storage_counts_once_for_all_workers(self) -> None:
        settings = Settings(workers=4, rate_limit_storage="redis://localhost:6379")
        assert per_worker("600/minute", settings).amount == 600

    def test_an_unknown_strategy_is_refused_by_name(self) -> None:
        with pytest.raises(ValueError, match="moving-window"):
            RateLimits(Settings(rate_limit_strategy="leaky"))


class TestReadinessBesideABusyPool:
    async def test_readyz_answers_while_requests_hold_every_pooled_connection(
        self, limited: Limited
    ) -> None:
        async with limited(db_pool_size=1) as app, AsyncExitStack() as held:
            engine = app.runtime.db.engine
            pool: Any = engine.pool
            for _ in range(pool.size() + pool._max_overflow):
                await held.enter_async_context(engine.connect())
            ready = await app.http.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}


class TestSubscriptions:
    async def test_a_subscription_is_charged_like_a_query(self, api: Api) -> None:
        session = await open_session(api)
        variables = {"id": session["id"]}
        auth = {"authorization": f"Bearer {api.token('viewer')}"}
        async with (
            live_server(api, rate_limit_enabled=True, graphql_cost_budget_per_minute=1) as host,
            Client.connect(host) as viewer,
        ):
            assert (await viewer.init(auth))["type"] == "connection_ack"
            await viewer.subscribe("1", SUBSCRIBE, variables)
            refused = await viewer.receive()
            # As the cost limit's refusal arrives: one result without data, its error coded.
            assert refused["type"] == "next" and refused["payload"]["data"] is None, refused
            assert refused["payload"]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        async with (
            live_server(api, rate_limit_enabled=True) as host,
            Client.connect(host) as viewer,
        ):
            assert (await viewer.init(auth))["type"] == "connection_ack"
            await viewer.subscribe("1", SUBSCRIBE, variables)
            assert (await next_state(viewer))["id"] == session["id"]


class TestSettings:
    def test_a_limit_that_is_not_a_rate_is_refused_with_an_example(self) -> None:
        with pytest.raises(ValueError, match="600/minute"):
            Settings(rate_limit_per_subject="lots")
