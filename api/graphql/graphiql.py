"""The GraphiQL page (development only): the IDE's assets come from this server, not a CDN.

`make components` bundles the `graphiql` npm package into web-components/dist/graphiql/
(served under /components/graphiql/); this page loads them by content hash, so a browser
with no internet, or a strict content security policy, still gets a working IDE.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse

from api.endpoints.components import Components
from api.html import render

SCRIPT = "graphiql/graphiql.js"
STYLESHEET = "graphiql/graphiql.css"
# Everything the page loads is this origin's own: a CDN reference would fail loudly.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class GraphiQLPage:
    def __init__(self, components_dir: Path) -> None:
        self.assets = Components(components_dir)

    def render(self) -> HTMLResponse:
        script = self.assets.content_hash(SCRIPT)
        stylesheet = self.assets.content_hash(STYLESHEET)
        built = script is not None and stylesheet is not None
        page = render(
            "graphiql.html.j2",
            built=built,
            script=f"/components/{SCRIPT}?v={script}",
            stylesheet=f"/components/{STYLESHEET}?v={stylesheet}",
        )
        headers = {"Content-Security-Policy": POLICY, "Cache-Control": "no-cache"}
        return HTMLResponse(page, status_code=200 if built else 503, headers=headers)
