"""The reference servers the benchmarks compare Signalbox with: plain Starlette, no GraphQL.

    python bench/reference_server.py --mode catalogue --port 8101 --dsn postgresql://...
    python bench/reference_server.py --mode about --port 8102 [--jwt-data-dir DIR]

`catalogue` answers graphql_bench.CATALOGUE_QUERY's JSON (same shape, ids, cursors, enum
names and order) straight from asyncpg rows with orjson: the same four statements Signalbox
runs, on one pooled connection, no ORM, no GraphQL. `about` answers `{ about { name version } }`.
Both read the body and parse it as JSON, and parse the Authorization header (refusing a request
without a bearer token), so the comparison is not against a server that skips the request.
With --jwt-data-dir, `about` also verifies the ES256 token with Signalbox's local issuer key:
that row isolates what signature verification costs per request.
"""

from __future__ import annotations

import argparse
import base64
import sys
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIRST_BUS, FIRST_TEAMS, FIRST_SERVICES = 10, 20, 50

BUS_SQL = "SELECT id, key, name FROM business_units ORDER BY key, id LIMIT $1"
# One statement per level, a page per parent with a window function, as Signalbox's loaders do.
TEAMS_SQL = """
SELECT id, bu_id, key, name FROM (
  SELECT id, bu_id, key, name,
         row_number() OVER (PARTITION BY bu_id ORDER BY key, id) AS rank
  FROM teams WHERE bu_id = ANY($1::uuid[])
) ranked WHERE rank <= $2 ORDER BY bu_id, rank
"""
SERVICES_SQL = """
SELECT id, team_id, key, name, tier, data_classification, regions::text AS regions FROM (
  SELECT id, team_id, key, name, tier, data_classification, regions,
         row_number() OVER (PARTITION BY team_id ORDER BY key, id) AS rank
  FROM services WHERE team_id = ANY($1::uuid[])
) ranked WHERE rank <= $2 ORDER BY team_id, rank
"""
PROVIDERS_SQL = """
SELECT d.consumer_id, d.kind, s.id, s.key, s.name
FROM services s JOIN service_dependencies d ON d.provider_id = s.id
WHERE d.consumer_id = ANY($1::uuid[]) ORDER BY s.key
"""


def global_id(type_name: str, id_: Any) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{id_}".encode()).decode()


def cursor(sort_value: str, id_: Any) -> str:
    raw = orjson.dumps([sort_value, str(id_)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unauthenticated() -> Response:
    body = {"errors": [{"message": "Send a bearer token.", "extensions": {"code": "UNAUTH"}}]}
    return Response(orjson.dumps(body), status_code=401, media_type="application/json")


def bearer(request: Request) -> str | None:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    credential = credential.strip()
    return credential if scheme.lower() == "bearer" and credential else None


async def read_query(request: Request) -> dict[str, Any]:
    parsed = orjson.loads(await request.body())
    if not isinstance(parsed, dict) or not isinstance(parsed.get("query"), str):
        raise ValueError("not a GraphQL request")
    return parsed


def catalogue_app(dsn: str, pool_size: int) -> Starlette:
    state: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size)
        try:
            yield
        finally:
            await state["pool"].close()

    async def graphql(request: Request) -> Response:
        await read_query(request)
        if bearer(request) is None:
            return unauthenticated()
        async with state["pool"].acquire() as conn:
            bus = await conn.fetch(BUS_SQL, FIRST_BUS + 1)
            bus = bus[:FIRST_BUS]
            teams = await conn.fetch(TEAMS_SQL, [b["id"] for b in bus], FIRST_TEAMS + 1)
            teams_of: dict[Any, list[Any]] = defaultdict(list)
            for t in teams:
                teams_of[t["bu_id"]].append(t)
            team_ids = [t["id"] for b in bus for t in teams_of[b["id"]][:FIRST_TEAMS]]
            services = await conn.fetch(SERVICES_SQL, team_ids, FIRST_SERVICES + 1)
            services_of: dict[Any, list[Any]] = defaultdict(list)
            for s in services:
                services_of[s["team_id"]].append(s)
            service_ids = [s["id"] for t in team_ids for s in services_of[t][:FIRST_SERVICES]]
            edges = await conn.fetch(PROVIDERS_SQL, service_ids)
        providers: dict[Any, list[Any]] = defaultdict(list)
        for e in edges:
            providers[e["consumer_id"]].append(
                {
                    "kind": e["kind"].upper(),
                    "service": {
                        "id": global_id("Service", e["id"]),
                        "key": e["key"],
                        "name": e["name"],
                    },
                }
            )

        def services_page(team_id: Any) -> dict[str, Any]:
            rows = services_of[team_id]
            page = rows[:FIRST_SERVICES]
            return {
                "pageInfo": {
                    "hasNextPage": len(rows) > FIRST_SERVICES,
                    "endCursor": cursor(page[-1]["key"], page[-1]["id"]) if page else None,
                },
                "nodes": [
                    {
                        "id": global_id("Service", s["id"]),
                        "key": s["key"],
                        "name": s["name"],
                        "tier": s["tier"].upper(),
                        "dataClassification": s["data_classification"].upper(),
                        "regions": orjson.Fragment(s["regions"]),
                        "dependsOn": providers.get(s["id"], []),
                    }
                    for s in page
                ],
            }

        data = {
            "businessUnits": {
                "nodes": [
                    {
                        "id": global_id("BusinessUnit", b["id"]),
                        "key": b["key"],
                        "name": b["name"],
                        "teams": {
                            "nodes": [
                                {
                                    "id": global_id("Team", t["id"]),
                                    "key": t["key"],
                                    "name": t["name"],
                                    "services": services_page(t["id"]),
                                }
                                for t in teams_of[b["id"]][:FIRST_TEAMS]
                            ]
                        },
                    }
                    for b in bus
                ]
            }
        }
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def about_app(version: str, jwt_data_dir: Path | None) -> Starlette:
    payload = orjson.dumps({"data": {"about": {"name": "Signalbox", "version": version}}})
    verifier = None
    if jwt_data_dir is not None:
        from authz.local_issuer import LocalIssuer

        verifier = LocalIssuer.load_or_create(jwt_data_dir).verifier()

    async def graphql(request: Request) -> Response:
        await read_query(request)
        token = bearer(request)
        if token is None:
            return unauthenticated()
        if verifier is not None:
            await verifier.verify(token)
        return Response(payload, media_type="application/json")

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["catalogue", "about"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", help="asyncpg DSN (catalogue)")
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--version", default="0.0.0", help="the version `about` reports")
    parser.add_argument("--jwt-data-dir", type=Path, default=None)
    args = parser.parse_args()
    if args.mode == "catalogue":
        app = catalogue_app(args.dsn, args.pool_size)
    else:
        app = about_app(args.version, args.jwt_data_dir)
    # The same server settings `signalbox serve` uses (uvloop and httptools when installed).
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        workers=1,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
