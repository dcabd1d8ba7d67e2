"""The Starlette application: routes, middleware, and the lifespan of one server process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute

from api.composition import build_runtime
from api.endpoints.alertmanager import alertmanager_routes
from api.endpoints.argo import argo_routes
from api.endpoints.cdevents import cdevents_routes
from api.endpoints.change_failures import change_failures_routes
from api.endpoints.change_ledger import change_ledger_routes
from api.endpoints.components import component_routes
from api.endpoints.decisions import decision_routes
from api.endpoints.defect_backlog import defect_backlog_routes
from api.endpoints.demo_portal import demo_portal_routes
from api.endpoints.evidence import evidence_routes
from api.endpoints.health import healthz, metrics, readyz
from api.endpoints.ical import FEED_PATH, calendar_feed
from api.endpoints.landing import landing_routes
from api.endpoints.notice_ack import notice_ack_routes
from api.endpoints.ofrep import ofrep_routes
from api.endpoints.post_release_feedback import feedback_routes
from api.endpoints.schemas import schema_routes
from api.endpoints.team_benchmarks import team_benchmark_routes
from api.endpoints.test_investment import test_investment_routes
from api.endpoints.value_stream import value_stream_routes
from api.gc_policy import GcPolicy
from api.graphql.endpoint import GraphQLEndpoint
from api.graphql.schema import build_schema
from api.last_resort import HANDLERS
from api.middleware import AuthenticationMiddleware, RequestContextMiddleware
from api.rate_limits import RateLimitMiddleware
from api.runtime import Runtime
from api.settings import Settings
from api.startup import StartupFailures
from api.text_input import TextInputGuard
from domain.kernel.clock import Clock


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings()
    runtime = build_runtime(settings, clock=clock)
    schema = build_schema(settings)
    graphql = GraphQLEndpoint(runtime, schema)
    gc_policy = GcPolicy.of(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        # Start-up objects (schema, policy, grants) live as long as the process: keep them out
        # of the collector's way, or every full collection rescans them (api/gc_policy.py).
        gc_policy.at_start()
        try:
            yield
        finally:
            await runtime.stop()

    middleware = _middleware(settings, runtime, gc_policy)
    routes = [
        Route("/graphql", graphql.handle, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql.websocket),
        Route("/healthz", healthz(runtime), methods=["GET"]),
        Route("/readyz", readyz(runtime), methods=["GET"]),
        Route("/metrics", metrics(runtime), methods=["GET"]),
        Route(FEED_PATH, calendar_feed(runtime), methods=["GET"]),
        *ofrep_routes(runtime),
        *evidence_routes(runtime),
        *decision_routes(runtime),
        *alertmanager_routes(runtime),
        *argo_routes(runtime),
        *cdevents_routes(runtime),
        *feedback_routes(runtime),
        *notice_ack_routes(runtime),
        *defect_backlog_routes(runtime),
        *value_stream_routes(runtime),
        *change_ledger_routes(runtime),
        *test_investment_routes(runtime),
        *team_benchmark_routes(runtime),
        *change_failures_routes(runtime),
        *schema_routes(),
        *demo_portal_routes(runtime),  # before the bundle's catch-all
        *component_routes(settings),
        *landing_routes(runtime, schema),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        # Database outages and errors first; anything else: the last resort (api.last_resort).
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
    )
    app.state.runtime = runtime
    app.state.read_cache = graphql.read_cache
    return app


def _middleware(settings: Settings, runtime: Runtime, gc_policy: GcPolicy) -> list[Middleware]:
    """Outermost first: start-up failures, request context, CORS, authentication, each
    caller's rate (api/rate_limits.py), then the refusal of unstorable text in the URL."""
    return [
        Middleware(StartupFailures, database_url=settings.effective_database_url),
        Middleware(RequestContextMiddleware, runtime=runtime, warm_up=gc_policy.warm_up()),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=[
                "authorization",
                "content-type",
                "idempotency-key",
                "x-request-id",
                "x-signalbox-environment",
                "x-api-key",
                "if-none-match",
            ],
            expose_headers=["x-request-id", "etag"],
            allow_credentials=False,
            max_age=600,
        ),
        Middleware(AuthenticationMiddleware, runtime=runtime),
        Middleware(RateLimitMiddleware, runtime=runtime),
        Middleware(TextInputGuard),
    ]
