"""A fake OIDC issuer for tests: real discovery and JWKS over HTTP on 127.0.0.1, and signed
tokens from known keys, shared by the authentication unit tests and the API tests."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from joserfc.jwk import ECKey, Key, OKPKey, RSAKey
from joserfc.jws import JWSRegistry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

AUDIENCE = "signalbox"
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
WAIT_SECONDS = 10.0

RSA_KEY = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
EC_KEY = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
EC_ROTATED = ECKey.generate_key("P-256", parameters={"kid": "ec-2"})
ED_KEY = OKPKey.generate_key("Ed25519", parameters={"kid": "ed-1"})
STRANGER = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})  # same kid, other key


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwks(*keys: Key) -> dict[str, Any]:
    return {"keys": [key.as_dict(private=False) for key in keys]}


def sign(header: dict[str, Any], claims: dict[str, Any], key: Key) -> str:
    """Signs by hand, so tests can also build tokens a well-behaved library would not."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = JWSRegistry.algorithms[header["alg"]].sign(signing_input.encode(), key)
    return f"{signing_input}.{b64(signature)}"


class FakeIssuer:
    """What the issuer serves, and how often each path was asked for."""

    def __init__(self) -> None:
        self.url = ""
        self.jwks: dict[str, Any] = public_jwks(RSA_KEY, EC_KEY, ED_KEY)
        self.failing = False
        self.hits: Counter[str] = Counter()

    def reset(self) -> None:
        self.jwks = public_jwks(RSA_KEY, EC_KEY, ED_KEY)
        self.failing = False
        self.hits.clear()

    def claims(self, **changes: Any) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": "user-1",
            "exp": int((NOW + timedelta(minutes=5)).timestamp()),
            "iat": int(NOW.timestamp()),
            "jti": "token-1",
            "preferred_username": "ann",
            "name": "Ann Example",
            "email": "ann@example.com",
            "groups": ["release-managers", "sre"],
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, key: Key = EC_KEY, alg: str = "ES256", **changes: Any) -> str:
        return sign({"alg": alg, "kid": key.kid, "typ": "JWT"}, self.claims(**changes), key)

    def app(self) -> Starlette:
        async def discovery(request: Request) -> Response:
            self.hits["discovery"] += 1
            if self.failing:
                return Response(status_code=500)
            return JSONResponse({"issuer": self.url, "jwks_uri": f"{self.url}/jwks.json"})

        async def jwks(request: Request) -> Response:
            self.hits["jwks"] += 1
            if self.failing:
                return Response(status_code=500)
            return JSONResponse(self.jwks)

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", discovery),
                Route("/jwks.json", jwks),
            ]
        )


@contextmanager
def serve_issuer() -> Iterator[FakeIssuer]:
    """A discovery + JWKS server on 127.0.0.1 in a thread, stopped on exit (bounded waits)."""
    issuer = FakeIssuer()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    issuer.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        issuer.app(),
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
        http="h11",
        loop="asyncio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake issuer did not start")
        time.sleep(0.01)
    yield issuer
    server.should_exit = True
    thread.join(timeout=WAIT_SECONDS)
    sock.close()
    assert not thread.is_alive(), "the fake issuer did not stop"
