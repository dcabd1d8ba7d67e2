"""The web-component bundle at /components/: long-lived caching keyed by its content hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from api.http import error_response

CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "public, max-age=0, must-revalidate"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
}


class Components:
    """Serves built files from the components directory; `?v=<hash>` URLs are immutable."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
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
        loaded = self._load(name)
        if loaded is None or Path(name).suffix not in TYPES:
            return error_response(
                404, "NOT_FOUND", f"No component file {name!r}; was the bundle built?"
            )
        data, digest = loaded
        etag = f'"{digest}"'
        versioned = request.query_params.get("v") == digest
        headers = {
            "ETag": etag,
            "Cache-Control": CACHE_IMMUTABLE if versioned else CACHE_REVALIDATE,
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=TYPES[Path(name).suffix], headers=headers)
