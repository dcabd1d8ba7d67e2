"""The web-component bundle at /components/: long-lived caching keyed by its content hash.

The bundle is public static JS and CSS that any portal may embed, whatever its origin: its
files answer `Access-Control-Allow-Origin: *` (never with credentials; no cookies are used).
The API itself keeps its CORS allowlist (SIGNALBOX_CORS_ORIGINS). `/components/` is an index
of what is served, with the snippet a portal pastes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from api.html import render
from api.http import error_response
from api.settings import Settings

CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "public, max-age=0, must-revalidate"
PUBLIC = {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}


class Components:
    """Serves built files from the components directory; `?v=<hash>` URLs are immutable."""

    def __init__(self, directory: Path, *, demo_portal: bool = False) -> None:
        self.directory = directory.resolve()
        self.demo_portal = demo_portal
        self._cache: dict[str, tuple[float, bytes, str]] = {}

    def _load(self, name: str) -> tuple[bytes, str] | None:
        path = (self.directory / name).resolve()
        if self.directory not in path.parents or not path.is_file():
            return None
        mtime = path.stat().st_mtime
        hit = self._cache.get(name)
        if hit is None or hit[0] != mtime:
            data = path.read_bytes()
            hit = (mtime, data, hashlib.sha256(data).hexdigest()[:16])
            self._cache[name] = hit
        return hit[1], hit[2]

    def content_hash(self, name: str = "signalbox.js") -> str | None:
        loaded = self._load(name)
        return loaded[1] if loaded else None

    async def handle(self, request: Request) -> Response:
        name = request.path_params["path"]
        if name == "":
            return self.index()
        loaded = self._load(name)
        if loaded is None or Path(name).suffix not in TYPES:
            return error_response(
                404, "NOT_FOUND", f"No component file {name!r}; was the bundle built?", PUBLIC
            )
        data, digest = loaded
        etag = f'"{digest}"'
        versioned = request.query_params.get("v") == digest
        headers = {
            **PUBLIC,
            "ETag": etag,
            "Cache-Control": CACHE_IMMUTABLE if versioned else CACHE_REVALIDATE,
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=TYPES[Path(name).suffix], headers=headers)

    def index(self) -> Response:
        """What is served here: the bundle's URL by hash, its elements, and the pages beside it."""
        manifest = self._manifest()
        digest = self.content_hash()
        page = render(
            "components_index.html.j2",
            built=digest is not None,
            bundle=f"/components/signalbox.js?v={digest}",
            version=manifest.get("version", "unknown"),
            elements=manifest.get("elements", []),
            demo_portal=self.demo_portal,
        )
        headers = {**PUBLIC, "Cache-Control": "no-cache"}
        return HTMLResponse(page, status_code=200 if digest else 503, headers=headers)

    def _manifest(self) -> dict[str, Any]:
        loaded = self._load("manifest.json")
        if loaded is None:
            return {}
        try:
            manifest = orjson.loads(loaded[0])
        except orjson.JSONDecodeError:
            return {}
        return manifest if isinstance(manifest, dict) else {}


def component_routes(settings: Settings) -> list[Route]:
    """The bundle's files and the index; the demo portal's routes go before this catch-all."""
    components = Components(settings.components_dir, demo_portal=not settings.production)
    return [Route("/components/{path:path}", components.handle, methods=["GET"])]
