"""The demo portal: a page embedding every component, and demo tokens for its role switcher.

GET /components/demo
    Serves `demo/index.html` from beside the components directory (by default
    web-components/demo/index.html, next to web-components/dist). A static page without data:
    public like the bundle. Saved as a file or served from another origin, it can still reach
    this server's /graphql with a token pasted in (allow that origin in SIGNALBOX_CORS_ORIGINS),
    but its role switcher cannot mint tokens: see below.

GET /components/demo/users
    The demo users the switcher offers: username, name, role, BU and discipline.

POST /components/demo/token  `{"username": "approver"}`
    `{"token", "username", "displayName", "expiresAt"}`: a bearer token for that demo user,
    minted by the local issuer, valid SIGNALBOX_DEMO_TOKEN_TTL_SECONDS (1 hour by default).

The two demo endpoints answer only when demo tokens are enabled: SIGNALBOX_DEMO_TOKENS=true,
or, when it is unset, SIGNALBOX_ENV=development; and only when the local issuer signs tokens
(no SIGNALBOX_OIDC_ISSUER). Anywhere else, such as production, they answer 404 as if they did
not exist. Only the demo users (the `demo` package's users and approvers) can be had, and only
while they exist and are active. No cookies are involved: the page keeps the token and sends
it as a bearer header, or in the WebSocket's `connection_init`.

Because a demo token is an org admin's, the token endpoint also answers only to a loopback
`Host` (127.0.0.1, localhost, [::1], any port) and to same-origin requests (no `Origin`, or an
`Origin` whose host and port are the `Host`); anything else is refused with 403 `FORBIDDEN`.
So a DNS-rebinding page (whose requests carry its own host name) or a page of another origin,
even one in SIGNALBOX_CORS_ORIGINS, cannot mint a token from a developer's server.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(netloc: str, default_port: int | None) -> tuple[str, int | None] | None:
    """`host[:port]` split, the host lower-cased and an IPv6 host kept in brackets; None
    when it is not a well-formed authority."""
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if not host or parts.username is not None or parts.password is not None:
        return None
    if ":" in host:
        host = f"[{host}]"
    return host.lower(), default_port if port is None else port


def local_same_origin(host_header: str | None, origin: str | None, scheme: str) -> bool:
    """Whether a request is addressed to a loopback Host and, if it names an Origin, comes
    from that same host and port (what a DNS-rebinding or cross-site page cannot forge)."""
    if not host_header:
        return False
    host = _host_and_port(host_header, DEFAULT_PORTS.get(scheme))
    if host is None or host[0] not in LOOPBACK_HOSTS:
        return False
    if origin is None:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in DEFAULT_PORTS or parts.path or parts.query or parts.fragment:
        return False  # includes the opaque origin `null` of files and sandboxed frames
    return _host_and_port(parts.netloc, DEFAULT_PORTS[parts.scheme]) == host


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
        if not local_same_origin(
            request.headers.get("host"), request.headers.get("origin"), request.url.scheme
        ):
            return error_response(
                403,
                "FORBIDDEN",
                "Demo tokens are minted only for same-origin requests to a loopback host "
                "(127.0.0.1, localhost or [::1]).",
            )
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
