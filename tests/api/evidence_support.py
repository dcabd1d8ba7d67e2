"""Helpers of the evidence and CDEvents API tests: a second app on the shared database (its
own HTTP client, the shipped CDEvents schemas), GraphQL documents and small factories."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from tests.api.conftest import Api, ids, settings_for

STANDARDS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "standards" / "cdevents"
).resolve()
EXAMPLE_DIRS = {
    "0.3.0": "v0.3.0/examples",
    "0.4.1": "v0.4.1/conformance",
    "0.5.1": "v0.5.1/conformance",
}
"""Where the spec keeps one example event per type, by released version."""

REPORT = """
mutation($i: EvidenceSecurityScanInput!) { evidenceSecurityScanReport(input: $i) {
  evidence { id kind subject passed details source }
  artifact { id name version digest } artifactCreated errors { code field } } }"""


def digest(n: int | str) -> str:
    return "sha256:" + f"{n}".encode().hex().rjust(64, "0")[-64:]


def fresh_digest() -> str:
    return "sha256:" + uuid.uuid4().hex + uuid.uuid4().hex


def conformance_examples(version: str = "0.5.1") -> list[Path]:
    folder = STANDARDS / EXAMPLE_DIRS[version]
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def load(path: Path) -> dict[str, Any]:
    return orjson.loads(path.read_bytes())  # type: ignore[no-any-return]


def binary(body: dict[str, Any], **headers: str) -> tuple[bytes, dict[str, str]]:
    """A CDEvent in CloudEvents binary mode."""
    ctx = body["context"]
    out = {
        "content-type": "application/json",
        "ce-id": ctx["id"],
        "ce-source": ctx["source"],
        "ce-type": ctx["type"],
        "ce-specversion": "1.0",
        "ce-time": ctx["timestamp"],
    }
    return orjson.dumps(body), {**out, **headers}


def structured(body: dict[str, Any], **headers: str) -> tuple[bytes, dict[str, str]]:
    """A CDEvent in CloudEvents structured mode."""
    ctx = body["context"]
    envelope = {
        "specversion": "1.0",
        "id": ctx["id"],
        "source": ctx["source"],
        "type": ctx["type"],
        "time": ctx["timestamp"],
        "datacontenttype": "application/json",
        "data": body,
    }
    return orjson.dumps(envelope), {"content-type": "application/cloudevents+json", **headers}


def cdevent(
    kind: str, *, subject_id: str = "s-1", content: dict[str, Any] | None = None, **ctx: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "context": {
            "specversion": "0.5.1",
            "id": uuid.uuid4().hex,
            "source": "/ci/test",
            "type": f"dev.cdevents.{kind}.0.3.0",
            "timestamp": "2026-11-27T09:00:00Z",
            **ctx,
        },
        "subject": {"id": subject_id, "source": "/ci/test", "content": content or {}},
    }
    return body


@dataclass
class Ingress:
    """The app under test, sharing the demo database."""

    api: Api
    http: httpx.AsyncClient

    async def post(
        self,
        payload: tuple[bytes, dict[str, str]],
        *,
        as_user: str | None = "ci",
        path: str = "/cdevents",
        **headers: str,
    ) -> httpx.Response:
        body, base = payload
        all_headers = {**base, **headers}
        if as_user is not None:
            all_headers["authorization"] = f"Bearer {self.api.token(as_user)}"
        return await self.http.post(path, content=body, headers=all_headers)


@contextlib.asynccontextmanager
async def ingress_with(api: Api, migrated_url: str, **settings: Any) -> AsyncIterator[Ingress]:
    """Another app on the shared database, with these settings."""
    app = create_app(
        settings_for(migrated_url, api.runtime.settings.data_dir, **settings),
        clock=api.runtime.clock,
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://signalbox.test") as http:
            yield Ingress(api, http)


@pytest.fixture(scope="module")
async def ingress(api: Api, migrated_url: str) -> AsyncIterator[Ingress]:
    async with ingress_with(api, migrated_url) as made:
        yield made


async def service_id(api: Api, key: str = "card-gateway", bu: str = "payments") -> str:
    bu_id = (await ids(api))[bu]
    data = await api.ok(
        "query($b: ID!) { services(filter: {businessUnitId: $b}, first: 100) { nodes { id key } } }",
        {"b": bu_id},
    )
    return next(n["id"] for n in data["services"]["nodes"] if n["key"] == key)
