"""Trusted documents: the GraphQL operations the web components send, registered at build time.

The components' build (`web-components/scripts/documents.mjs`) writes every operation they send
to `api/graphql/trusted-documents.json`: a JSON object from document id to document. A
document's id is `sha256:` + the lowercase hex SHA-256 of its UTF-8 text, exactly as sent (the
GraphQL-over-HTTP "persisted documents" identifier).

Scripts may register more (`signalbox documents register`, audited; revoked with `signalbox
documents revoke`): each worker re-reads them every SIGNALBOX_TRUSTED_DOCUMENTS_REFRESH_SECONDS.

A request may name a registered document instead of carrying it: `documentId: "sha256:<hex>"`
(POST body or GET parameter), or Apollo's `extensions.persistedQuery.sha256Hash: "<hex>"`. An id
nobody registered is refused with `PERSISTED_QUERY_NOT_FOUND` (400); an id sent with a `query`
it is not the hash of, with `BAD_USER_INPUT`.

Enforcement (SIGNALBOX_TRUSTED_DOCUMENTS_ONLY; unset: in production only): a request from a
browser page, told by the `Origin` or `Sec-Fetch-Site` header that browsers always set on a
page's fetch and WebSocket and that scripts do not, may run only a registered document, by id
or as its exact text; anything else gets `PERSISTED_QUERY_REQUIRED` (403), and a subscription's
socket closes with 4403. Outside production, same-origin pages are the GraphiQL IDE that
GET /graphql serves there, and keep ad-hoc documents. A script (no such header; an API token
or a person's bearer token) keeps ad-hoc documents, within the cost limits. The point is a
page's blast radius: injected script in a portal that embeds the components, holding a
person's token, can still only ask what the components ask.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import HTTPConnection
from starlette.responses import Response

from api.graphql.errors import TopLevelCode
from api.http import error_response
from domain.kernel.errors import Unavailable
from domain.organization.documents import active_documents, document_id

if TYPE_CHECKING:
    from api.runtime import Runtime

log = logging.getLogger("signalbox.graphql")

DOCUMENT_ID = re.compile(r"sha256:[0-9a-f]{64}")
_HEX = re.compile(r"[0-9a-f]{64}")


def load_manifest(path: Path) -> dict[str, str]:
    """The manifest's documents by id; ValueError when it is not one, or an id is not its hash."""
    try:
        raw = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ValueError(f"the trusted documents in {path} cannot be read: {exc}") from None
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ValueError(f"{path} is not a JSON object from document id to document")
    wrong = sorted(key for key, text in raw.items() if document_id(text) != key)
    if wrong:
        raise ValueError(f"{path}: {len(wrong)} id(s) are not their document's hash: {wrong[0]}")
    return raw


def from_browser(connection: HTTPConnection) -> bool:
    """Does a browser page send this? Browsers set `Origin` or `Sec-Fetch-Site`; scripts don't."""
    headers = connection.headers
    return "origin" in headers or "sec-fetch-site" in headers


class TrustedDocuments:
    """The registered documents, and the rule for who may run anything else."""

    def __init__(
        self,
        documents: Mapping[str, str],
        *,
        browsers_registered_only: bool,
        ide_served: bool = False,
        registered: Callable[[], Awaitable[dict[str, str]]] | None = None,
        refresh_seconds: float = 10.0,
    ) -> None:
        self._shipped = dict(documents)
        self.documents = dict(documents)
        self._registered = frozenset(self.documents.values())
        self.browsers_registered_only = browsers_registered_only
        # Outside production GET /graphql serves GraphiQL, whose requests are same-origin.
        self.ide_served = ide_served
        self._read_registered = registered
        self._refresh_seconds = refresh_seconds
        self._fresh_until = float("-inf")
        self._lock = asyncio.Lock()

    @classmethod
    def for_runtime(cls, runtime: Runtime) -> TrustedDocuments:
        """The shipped manifest, and the documents scripts registered, re-read now and then."""
        settings = runtime.settings
        enforced = settings.trusted_documents_only

        async def registered() -> dict[str, str]:
            async with runtime.db.read_session() as session:
                return await active_documents(session)

        return cls(
            load_manifest(settings.trusted_documents_file),
            browsers_registered_only=settings.production if enforced is None else enforced,
            ide_served=not settings.production,
            registered=registered,
            refresh_seconds=settings.trusted_documents_refresh_seconds,
        )

    async def refresh(self) -> None:
        """Re-read the registered documents when the last read is older than the interval
        (a registration or revocation by another process counts within it)."""
        if self._read_registered is None or time.monotonic() < self._fresh_until:
            return
        async with self._lock:
            if time.monotonic() < self._fresh_until:
                return
            try:
                registered = await self._read_registered()
            except Unavailable:
                log.warning("registered trusted documents not re-read: database unavailable")
            else:
                self.documents = {**registered, **self._shipped}
                self._registered = frozenset(self.documents.values())
            self._fresh_until = time.monotonic() + self._refresh_seconds

    def is_registered(self, document: str) -> bool:
        return document in self._registered

    def resolve(
        self, connection: HTTPConnection, data: dict[str, Any]
    ) -> dict[str, Any] | Response:
        """The request with its document in `query`, or the refusal of it."""
        named = _named_id(data)
        if isinstance(named, Response):
            return named
        query = data.get("query")
        if named is None:
            if not isinstance(query, str):
                return _bad("Send a string `query`, or the `documentId` of a trusted document.")
            return self._admit(connection, data, query)
        document = self.documents.get(named)
        if query is not None and (not isinstance(query, str) or document_id(query) != named):
            return _bad(f"The `query` sent is not the document {named}.", field="documentId")
        if document is None:
            return error_response(
                400,
                TopLevelCode.PERSISTED_QUERY_NOT_FOUND,
                f"No trusted document has the id {named}.",
                field="documentId",
            )
        return {**data, "query": document}

    def _admit(
        self, connection: HTTPConnection, data: dict[str, Any], query: str
    ) -> dict[str, Any] | Response:
        refusal = self.refusal(connection, query)
        if refusal is None:
            return data
        return error_response(403, TopLevelCode.PERSISTED_QUERY_REQUIRED, refusal)

    def refusal(self, connection: HTTPConnection, query: str) -> str | None:
        """Why this connection may not run this document text, or None when it may."""
        if not self.browsers_registered_only or self.is_registered(query):
            return None
        if not from_browser(connection):
            return None
        if self.ide_served and connection.headers.get("sec-fetch-site") == "same-origin":
            return None
        return (
            "Browser pages may run only the trusted documents (the components' operations): "
            "send a registered `documentId`; scripts without a browser's Origin may send any query."
        )


def _named_id(data: dict[str, Any]) -> str | Response | None:
    """The document id a request names (`documentId`, or APQ's sha256Hash), if any."""
    named = data.get("documentId")
    if named is not None:
        if not isinstance(named, str) or not DOCUMENT_ID.fullmatch(named):
            return _bad("`documentId` must be `sha256:` and 64 lowercase hex digits.", "documentId")
        return named
    extensions = data.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is None:
        return None
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if not isinstance(digest, str) or not _HEX.fullmatch(digest):
        return _bad(
            "`extensions.persistedQuery.sha256Hash` must be 64 lowercase hex digits.",
            "extensions.persistedQuery",
        )
    return f"sha256:{digest}"


def _bad(message: str, field: str | None = None) -> Response:
    extra = {} if field is None else {"field": field}
    return error_response(400, TopLevelCode.BAD_USER_INPUT, message, **extra)
