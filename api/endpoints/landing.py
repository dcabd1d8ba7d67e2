"""The front door: what answers at `/`, the schema in SDL, and the docs (development only).

GET /
    Development: a small page linking GraphiQL, the demo portal, the schema and the docs, and
    listing every endpoint. Production (or a client that does not accept HTML): a JSON index of
    the endpoints, read from the app's own routes so it never drifts. Public: it holds links only.
GET /schema.graphql
    Development only (production turns introspection off): the schema in SDL, as
    `signalbox schema export` prints it. Public, like the repository's schema.graphql.
GET /docs/ and /docs/{name}.md
    Development only: the repository's docs/ pages as plain text, when run from a source tree.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import strawberry
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from api.html import render
from api.http import ORJSONResponse, error_response
from api.settings import REPO_ROOT

if TYPE_CHECKING:
    from api.runtime import Runtime

DOCS = REPO_ROOT / "docs"
HIDDEN = ("/", "/schema.graphql", "/docs/", "/docs/{name}.md")

try:
    VERSION = version("signalbox")
except PackageNotFoundError:  # pragma: no cover - a source tree without install
    VERSION = "0.0.0"


def endpoints(routes: list[BaseRoute]) -> list[dict[str, Any]]:
    """Every path the app serves with its methods (a WebSocket route adds `WEBSOCKET`)."""
    methods: dict[str, set[str]] = {}
    for route in routes:
        if isinstance(route, Route) and route.path not in HIDDEN:
            methods.setdefault(route.path, set()).update((route.methods or set()) - {"HEAD"})
        elif isinstance(route, WebSocketRoute):
            methods.setdefault(route.path, set()).add("WEBSOCKET")
    return [{"path": path, "methods": sorted(verbs)} for path, verbs in methods.items()]


def is_front_door(path: str) -> bool:
    """Paths the front door serves without a token."""
    return path in ("/", "/schema.graphql") or path.startswith("/docs/")


def _doc_names() -> list[str]:
    return sorted(p.name for p in DOCS.glob("*.md")) if DOCS.is_dir() else []


class FrontDoor:
    def __init__(self, runtime: Runtime, schema: strawberry.Schema) -> None:
        self.settings = runtime.settings
        self.schema = schema

    async def index(self, request: Request) -> Response:
        listed = endpoints(request.app.routes)
        html = "text/html" in request.headers.get("accept", "")
        if self.settings.production or not html:
            body = {
                "name": "Signalbox",
                "version": VERSION,
                "environment": str(self.settings.env),
                "endpoints": listed,
            }
            return ORJSONResponse(body, headers={"Cache-Control": "no-cache"})
        page = render(
            "landing.html.j2",
            version=VERSION,
            environment=str(self.settings.env),
            endpoints=listed,
            docs=_doc_names(),
        )
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    async def sdl(self, request: Request) -> Response:
        if self.settings.production:
            return error_response(404, "NOT_FOUND", "Not found.")
        return PlainTextResponse(self.schema.as_str() + "\n", headers={"Cache-Control": "no-cache"})

    async def docs(self, request: Request) -> Response:
        if self.settings.production:
            return error_response(404, "NOT_FOUND", "Not found.")
        name = request.path_params.get("name")
        if name is None:
            return PlainTextResponse("".join(f"/docs/{n}\n" for n in _doc_names()))
        if f"{name}.md" not in _doc_names():
            return error_response(404, "NOT_FOUND", f"No page docs/{name}.md.")
        text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
        return PlainTextResponse(text, headers={"Cache-Control": "no-cache"})


def landing_routes(runtime: Runtime, schema: strawberry.Schema) -> list[Route]:
    door = FrontDoor(runtime, schema)
    return [
        Route("/", door.index, methods=["GET"]),
        Route("/schema.graphql", door.sdl, methods=["GET"]),
        Route("/docs/", door.docs, methods=["GET"]),
        Route("/docs/{name}.md", door.docs, methods=["GET"]),
    ]
