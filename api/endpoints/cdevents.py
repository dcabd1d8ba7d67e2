"""CDEvents over CloudEvents HTTP: `POST /cdevents` (bearer token) and
`POST /cdevents/webhook/{secret id}` (signed with a webhook secret, no token).

Both content modes of the CloudEvents HTTP binding are read by the `cloudevents` SDK:

- binary: `ce-id`, `ce-source`, `ce-type`, `ce-specversion: 1.0` headers, `content-type:
  application/json`, and the CDEvent as the body;
- structured: `content-type: application/cloudevents+json`, the CloudEvent envelope as the
  body with the CDEvent in `data` (or `data_base64`).

The business unit is `X-Signalbox-Business-Unit: <key>`, or the one BU where the caller may send
CDEvents (see domain.pipelines.cdevents). Answers: 202 for a new event (`id`, its global id;
`known` false for unknown or custom types, stored and ignored), 200 `{"duplicate": true}` for a
replay, 400 with the reason and the JSON pointers of the first problems, 401 for a bad
signature, 403/404 for permission and scope, 409 for the same (source, id, type) with another
body, 413 for a body past `max_body_bytes`, 415 for another media type. Never a 500 for what a
client sends.

Events are validated against the JSON Schemas of the CDEvents version they name (v0.3.0,
v0.4.1 and v0.5.1 ship with Signalbox; `cdevents_schemas_dir` names another set instead):
see domain.pipelines.cdevents_schemas.

The webhook route needs no bearer token: its path prefix `/cdevents/webhook/` must be public in
api.middleware (the signature authenticates). Signing, keyed with the secret: Standard Webhooks
(`webhook-id`, `webhook-timestamp` within 5 minutes of the server's clock, `webhook-signature:
v1,<base64>`), GitHub's `X-Hub-Signature-256: sha256=<hex>`, or, deprecated, Signalbox's own
`X-Signalbox-Timestamp` and `X-Signalbox-Signature`; see domain.pipelines.signatures. A replay
of a signed request changes nothing: the event it carries is a duplicate (200).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import uuid
import weakref
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.writes import refused, write
from api.global_ids import from_id_or_uuid, to_global_id
from api.http import BodyTooLarge, ORJSONResponse, domain_refusal, error_response, read_body
from api.key_files import key_file
from api.text_input import first_unstorable, refusal_message
from domain.kernel.errors import DomainError, Unauthenticated, Unavailable
from domain.kernel.uow import UnitOfWork
from domain.pipelines import signatures as sig
from domain.pipelines.cdevents import ConflictingDuplicate, EventRefused, Ingested, ingest_event
from domain.pipelines.cdevents_schemas import CdEventSchemas, Problem, schemas_in, shipped
from domain.pipelines.cdevents_secrets import verify_signed, webhook_actor
from domain.pipelines.commands import IngestEvent, SignedRequest
from domain.pipelines.errors import CdEventErrorCode as Code
from domain.pipelines.models import WebhookSecret
from domain.pipelines.signatures import Scheme

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/cdevents"
WEBHOOK_PATH = "/cdevents/webhook/{secret_id}"
WEBHOOK_PREFIX = "/cdevents/webhook/"
BU_HEADER = "x-signalbox-business-unit"
STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
REQUIRED = ("id", "source", "type", "specversion")
KEY_FILE = "cdevents-webhook.key"
_keys: weakref.WeakKeyDictionary[Runtime, bytes] = weakref.WeakKeyDictionary()


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.problems = problems or []

    def response(self) -> Response:
        return error_response(self.status, self.code, self.message, **_problems(self.problems))


def _problems(problems: list[Problem]) -> dict[str, Any]:
    """The `problems` extension (JSON pointers and messages), when there are any."""
    if not problems:
        return {}
    return {"problems": [{"pointer": p.pointer, "message": p.message} for p in problems]}


def webhook_master_key(runtime: Runtime) -> bytes:
    """The master key webhook secrets derive from: SIGNALBOX_CDEVENTS_WEBHOOK_KEY, else one
    derived from SIGNALBOX_SECRET_KEY (so one secret configures a cluster), else, outside
    production only, a key file in data_dir (one process, one machine)."""
    key = _keys.get(runtime)
    if key is None:
        settings = runtime.settings
        if settings.cdevents_webhook_key:
            key = settings.cdevents_webhook_key.encode()
        elif settings.secret_key:
            first = settings.secret_key.split(",")[0].strip().encode()
            key = hmac.new(first, b"signalbox/cdevents-webhook/v1", hashlib.sha256).hexdigest()
            key = key.encode()
        elif settings.production:
            raise Unavailable(
                "Signed CDEvents webhooks need SIGNALBOX_SECRET_KEY (or "
                "SIGNALBOX_CDEVENTS_WEBHOOK_KEY) in production."
            )
        else:
            key = _key_file(settings.data_dir)
        _keys[runtime] = key
    return key


def _key_file(data_dir: Path) -> bytes:
    return key_file(data_dir, KEY_FILE)


def schemas_for(runtime: Runtime) -> CdEventSchemas:
    """The shipped schemas, or the directory SIGNALBOX_CDEVENTS_SCHEMAS_DIR names instead."""
    directory = runtime.settings.cdevents_schemas_dir
    return schemas_in(directory.resolve()) if directory is not None else shipped()


# -- decoding -------------------------------------------------------------------------------


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _json_media(media: str) -> bool:
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def decode(headers: Mapping[str, str], body: bytes, bu_key: str | None) -> IngestEvent:
    """The CloudEvent of an HTTP request, in binary or structured mode, or Refused."""
    media = _media_type(headers.get("content-type"))
    binary = any(k.startswith("ce-") for k in headers)
    if media == BATCH:
        raise Refused(415, "UNSUPPORTED_MEDIA_TYPE", "Batched CloudEvents are not accepted.")
    if not binary and media != STRUCTURED:
        raise Refused(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"Send {STRUCTURED} (structured mode) or ce-* headers with application/json.",
        )
    if binary and not _json_media(media):
        raise Refused(415, "UNSUPPORTED_MEDIA_TYPE", "A binary-mode CDEvent is application/json.")
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise Refused(400, Code.MALFORMED_EVENT, "The body is not JSON.") from None
    where = first_unstorable(parsed, "body")
    if where is not None:
        raise Refused(400, "BAD_USER_INPUT", refusal_message(where))
    envelope = {k[3:]: v for k, v in headers.items() if k.startswith("ce-")} if binary else parsed
    if not isinstance(envelope, dict):
        raise Refused(400, Code.MALFORMED_EVENT, "A structured CloudEvent is a JSON object.")
    missing = [
        Problem(("" if binary else "/") + (f"ce-{a}" if binary else a), f"{a} is required.")
        for a in REQUIRED
        if not isinstance(envelope.get(a), str) or not envelope.get(a)
    ]
    if missing:
        raise Refused(400, Code.MALFORMED_EVENT, "CloudEvent attributes are missing.", missing)
    if envelope["specversion"] != "1.0":
        raise Refused(400, Code.MALFORMED_EVENT, "Only CloudEvents specversion 1.0 is accepted.")
    message = HTTPMessage(
        headers={k: v for k, v in headers.items() if k.startswith("ce-") or k == "content-type"},
        body=body,
    )
    try:
        event = from_http(message, JSONFormat(), CloudEvent)
    except (BaseCloudEventException, ValueError, TypeError, AttributeError) as exc:
        raise Refused(400, Code.MALFORMED_EVENT, f"Not a valid CloudEvent: {exc}"[:500]) from None
    data = event.get_data()
    if isinstance(data, bytes | str):
        try:
            data = orjson.loads(data)
        except orjson.JSONDecodeError:
            data = None
    if not isinstance(data, dict):
        raise Refused(400, Code.MALFORMED_EVENT, "The CloudEvent's data is not a CDEvent object.")
    attributes = event.get_attributes()
    return IngestEvent(
        ce_id=str(attributes["id"]),
        ce_source=str(attributes["source"]),
        ce_type=str(attributes["type"]),
        cdevent=data,
        business_unit_key=bu_key,
    )


def signed_request(
    secret_id: uuid.UUID, headers: Mapping[str, str], body: bytes, now: datetime
) -> SignedRequest:
    """The signature a webhook request carries, in the first scheme whose headers it has:
    Standard Webhooks, GitHub's, then Signalbox's own (deprecated); else Refused."""
    signed = functools.partial(SignedRequest, secret_id, body=body, received_at=now)
    if sig.SIGNATURE_HEADER in headers:
        return signed(
            Scheme.STANDARD_WEBHOOKS,
            headers[sig.SIGNATURE_HEADER],
            timestamp=headers.get(sig.TIMESTAMP_HEADER, ""),
            message_id=headers.get(sig.ID_HEADER, ""),
        )
    if sig.GITHUB_HEADER in headers:
        return signed(Scheme.GITHUB, headers[sig.GITHUB_HEADER])
    if sig.SIGNALBOX_HEADER in headers:
        return signed(
            Scheme.SIGNALBOX,
            headers[sig.SIGNALBOX_HEADER],
            timestamp=headers.get(sig.SIGNALBOX_TIMESTAMP_HEADER, ""),
        )
    raise Refused(
        401,
        Code.BAD_SIGNATURE,
        "Sign the request: Standard Webhooks (webhook-id, webhook-timestamp, "
        "webhook-signature) or X-Hub-Signature-256.",
    )


def _headers(request: Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items()}


async def _body(request: Request, limit: int) -> bytes:
    try:
        return await read_body(request, limit)
    except BodyTooLarge:
        raise Refused(413, "PAYLOAD_TOO_LARGE", f"The body is larger than {limit} bytes.") from None


def _answer(result: Ingested) -> ORJSONResponse:
    row = result.event
    body = {
        "id": to_global_id("CdEvent", row.id),
        "duplicate": result.duplicate,
        "known": row.known,
        "outcome": row.outcome,
        "note": row.note,
    }
    return ORJSONResponse(body, status_code=200 if result.duplicate else 202)


def _domain_refusal(exc: DomainError) -> Response:
    problems = exc.problems if isinstance(exc, EventRefused) else []
    return domain_refusal(exc, {ConflictingDuplicate: 409}, **_problems(problems))


def cdevents_routes(runtime: Runtime) -> list[Route]:
    schemas = schemas_for(runtime)  # loaded now: a wrong directory fails at start-up
    limit = runtime.settings.max_body_bytes

    async def ingest(request: Request) -> Response:
        try:
            body = await _body(request, limit)
            c = decode(_headers(request), body, request.headers.get(BU_HEADER))
        except Refused as exc:
            return exc.response()
        return await write(
            runtime,
            request,
            lambda uow: ingest_event(uow, c, schemas),
            _answer,
            refuse=_domain_refusal,
        )

    async def webhook(request: Request) -> Response:
        try:
            body = await _body(request, limit)
            signed = _signed(request, body)
            async with runtime.db.read_session() as session:
                secret = await verify_signed(session, signed, webhook_master_key(runtime))
            c = decode(_headers(request), body, None)
        except Refused as exc:
            return exc.response()
        except DomainError as exc:
            return refused(runtime, exc, _domain_refusal)

        async def use_case(uow: UnitOfWork) -> Ingested:
            row = await uow.session.get(WebhookSecret, secret.id)
            if row is None or row.revoked_at is not None:
                raise Unauthenticated("The webhook secret was revoked.", code=Code.BAD_SIGNATURE)
            return await ingest_event(uow, c, schemas, webhook=row)

        actor = webhook_actor(secret)
        return await write(runtime, request, use_case, _answer, actor=actor, refuse=_domain_refusal)

    def _signed(request: Request, body: bytes) -> SignedRequest:
        try:
            secret_id = from_id_or_uuid(request.path_params["secret_id"], "WebhookSecret", "id")
        except DomainError:
            raise Refused(401, Code.BAD_SIGNATURE, "No such webhook secret.") from None
        return signed_request(secret_id, _headers(request), body, runtime.clock.now())

    return [
        Route(PATH, ingest, methods=["POST"]),
        Route(WEBHOOK_PATH, webhook, methods=["POST"]),
    ]
