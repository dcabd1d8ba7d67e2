"""The demo portal: a page embedding every component, and demo tokens for its role switcher.

GET /components/demo
    Serves `demo/index.html` from beside the components directory (by default
    web-components/demo/index.html, next to web-components/dist). A static page without data:
    public like the bundle. It also works saved as a file and opened from another origin,
    pointed at this server's /graphql; allow that origin in SIGNALBOX_CORS_ORIGINS (a file
    opened from disk has the origin `null`: list `null` on a development machine only, since
    sandboxed frames of any site share it).

GET /components/demo/users
    The demo users the switcher offers: username, name, role, BU and discipline.

POST /components/demo/token  `{"username": "approver"}`
    `{"token", "username", "displayName", "expiresAt"}`: a bearer token for that demo user,
    minted by the local issuer, valid SIGNALBOX_DEMO_TOKEN_TTL_SECONDS (1 hour by default).

The two demo endpoints answer only when demo tokens are enabled: SIGNALBOX_DEMO_TOKENS=true,
or, when it is unset, SIGNALBOX_ENV=development; and only when the local issuer signs tokens
(no SIGNALBOX_OIDC_ISSUER). Anywhere else, such as production, they answer 404 as if they did
not exist. Only the demo users (the `demo` package's users and approvers) can be had, and only
while they exist and are active. Cross-origin calls follow the CORS allowlist
(SIGNALBOX_CORS_ORIGINS) like every other route; no cookies are involved: the page keeps the
token and sends it as a bearer header, or in the WebSocket's `connection_init`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from api.http import BodyTooLarge, ORJSONResponse, error_response, read_body
from api.settings import Environment
from demo.governance import APPROVERS
from demo.organization import USERS
from domain.organization import repository as org_repo

if TYPE_CHECKING:
    from api.runtime import Runtime

MAX_BODY = 1024
NO_STORE = {"Cache-Control": "no-store"}


def demo_users() -> list[dict[str, Any]]:
    """Who the role switcher offers, in the demo's order."""
    people = [
        {
            "username": u.username,
            "displayName": u.display_name,
            "role": u.role,
            "businessUnit": u.bu,
            "discipline": u.discipline,
        }
        for u in USERS
    ]
    people += [
        {
            "username": username,
            "displayName": name,
            "role": "approver",
            "businessUnit": None,
            "discipline": discipline,
        }
        for username, name, discipline in APPROVERS
    ]
    return people


class DemoPortal:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.page = runtime.settings.components_dir.parent / "demo" / "index.html"
        self.usernames = {u["username"] for u in demo_users()}

    def tokens_enabled(self) -> bool:
        settings = self.runtime.settings
        enabled = settings.demo_tokens
        if enabled is None:
            enabled = settings.env is Environment.DEVELOPMENT
        return enabled and self.runtime.authenticator.local_issuer is not None

    async def page_(self, request: Request) -> Response:
        page = self.page
        if not await anyio.Path(page).is_file():
            return error_response(404, "NOT_FOUND", "The demo portal page is not installed.")
        return FileResponse(
            page,
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    async def users(self, request: Request) -> Response:
        if not self.tokens_enabled():
            return _absent()
        return ORJSONResponse({"users": demo_users()}, headers=NO_STORE)

    async def token(self, request: Request) -> Response:
        if not self.tokens_enabled():
            return _absent()
        try:
            body = await read_body(request, MAX_BODY)
            data = orjson.loads(body)
        except BodyTooLarge:
            return error_response(413, "BAD_USER_INPUT", f"The body exceeds {MAX_BODY} bytes.")
        except orjson.JSONDecodeError:
            return error_response(400, "BAD_USER_INPUT", "The body is not JSON.")
        username = data.get("username") if isinstance(data, dict) else None
        if not isinstance(username, str) or not username:
            return error_response(400, "BAD_USER_INPUT", 'Send {"username": "<demo user>"}.')
        if username not in self.usernames:
            return error_response(404, "NOT_FOUND", f"{username!r} is not a demo user.")
        runtime = self.runtime
        async with runtime.db.read_session() as session:
            person = await org_repo.person_by_username(session, username)
        if person is None or not person.active:
            return error_response(
                404, "NOT_FOUND", f"No active user {username!r}; was the demo loaded?"
            )
        issuer = runtime.authenticator.local_issuer
        assert issuer is not None  # tokens_enabled() checked it
        now = runtime.clock.now()
        ttl = timedelta(seconds=runtime.settings.demo_token_ttl_seconds)
        token = issuer.mint(
            person.subject,
            username=person.username,
            name=person.display_name,
            ttl=ttl,
            now=now,
        )
        return ORJSONResponse(
            {
                "token": token,
                "username": person.username,
                "displayName": person.display_name,
                "expiresAt": (now + ttl).isoformat(),
            },
            headers=NO_STORE,
        )


def _absent() -> Response:
    return error_response(404, "NOT_FOUND", "Not found.")


def demo_portal_routes(runtime: Runtime) -> list[Route]:
    portal = DemoPortal(runtime)
    return [
        Route("/components/demo", portal.page_, methods=["GET"]),
        Route("/components/demo/", portal.page_, methods=["GET"]),
        Route("/components/demo/users", portal.users, methods=["GET"]),
        Route("/components/demo/token", portal.token, methods=["POST"]),
    ]
