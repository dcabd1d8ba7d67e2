"""`POST /feedback/webhook/{secret id}`: user feedback (support tickets, in-app feedback) from a
support tool, signed with one of the BU's webhook secrets (those CDEvents webhooks use) in the
Standard Webhooks scheme (`webhook-id`, `webhook-timestamp` within 5 minutes, `webhook-signature`),
checked by the `standardwebhooks` package (domain.pipelines.signatures). No bearer token: the
signature is the credential, and the BU is the secret's.

Body (JSON): `{"service": "<service key>", "kind": "support_ticket" | "in_app", "externalRef":
"<id in the tool>", "title": "...", "body": "...", "tags": ["checkout", ...], "occurredAt":
"<ISO 8601>"}`. Answers: 202 `{"id": ...}` for a new item; 401 BAD_SIGNATURE for a missing,
forged, stale or revoked signature (nothing is stored); 400 with a code of
`PostReleaseReviewErrorCode` for a bad body; 409 FEEDBACK_EXISTS for a redelivered item; 413
past `max_body_bytes`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.cdevents import webhook_master_key
from api.endpoints.writes import write
from api.global_ids import from_id_or_uuid, to_global_id
from api.http import BodyTooLarge, ORJSONResponse, domain_refusal, error_response, read_body
from api.text_input import first_unstorable, refusal_message
from domain.kernel.errors import AlreadyExists, DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import signatures as sig
from domain.pipelines.cdevents_secrets import verify_signed, webhook_actor, webhook_rule
from domain.pipelines.commands import SignedRequest
from domain.pipelines.signatures import Scheme
from domain.postrelease import review_commands as cmd
from domain.postrelease.feedback_models import FeedbackItem
from domain.postrelease.feedback_service import report_feedback
from domain.postrelease.review_errors import ReviewErrorCode as Code

if TYPE_CHECKING:
    from api.runtime import Runtime

PREFIX = "/feedback/webhook/"
PATH = PREFIX + "{secret_id}"
FORGED = (
    "The request is not signed by an active webhook secret in the Standard Webhooks scheme, or "
    "its timestamp is not within 5 minutes of now."
)


class _Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    service: str = Field(min_length=1, max_length=64)
    kind: str = Field(max_length=32)
    external_ref: str = Field(alias="externalRef", max_length=400)
    title: str = Field(max_length=400)
    body: str = Field(default="", max_length=20_000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    occurred_at: datetime | None = Field(default=None, alias="occurredAt")


def _forged(message: str = FORGED) -> Response:
    return error_response(401, Code.BAD_SIGNATURE, message)


def _signed(
    secret_id: str, headers: Mapping[str, str], body: bytes, now: datetime
) -> SignedRequest:
    return SignedRequest(
        from_id_or_uuid(secret_id, "WebhookSecret", "id"),
        Scheme.STANDARD_WEBHOOKS,
        headers[sig.SIGNATURE_HEADER],
        body=body,
        received_at=now,
        timestamp=headers.get(sig.TIMESTAMP_HEADER, ""),
        message_id=headers.get(sig.ID_HEADER, ""),
    )


def _refuse(exc: DomainError) -> Response:
    return domain_refusal(exc, {AlreadyExists: 409})


def _item(body: bytes) -> _Feedback | Response:
    """The feedback item the body holds, or the 400 that says why not."""
    try:
        parsed = orjson.loads(body)
        where = first_unstorable(parsed, "body")
        if where is not None:
            return error_response(400, "BAD_USER_INPUT", refusal_message(where))
        return _Feedback.model_validate(parsed)
    except (orjson.JSONDecodeError, ValidationError) as exc:
        return error_response(400, Code.INVALID_FEEDBACK, f"Not a feedback item: {exc}"[:1000])


def _report(item: _Feedback, signed_by: cmd.SignedBy) -> Callable[[UnitOfWork], Awaitable[Any]]:
    """The use case: the item, for the service its key names, signed for the secret's BU."""

    async def use_case(uow: UnitOfWork) -> FeedbackItem:
        service_id = await org_facts.service_id_by_key(uow.session, item.service)
        if service_id is None:
            raise DomainError(
                f"No service {item.service}.", code=Code.UNKNOWN_SERVICE, field="service"
            )
        c = cmd.ReportFeedback(
            service_id=service_id,
            kind=item.kind,
            external_ref=item.external_ref,
            title=item.title,
            body=item.body,
            tags=tuple(item.tags),
            occurred_at=item.occurred_at,
        )
        return await report_feedback(uow, c, signed_by)

    return use_case


def _answer(row: FeedbackItem) -> Response:
    return ORJSONResponse({"id": to_global_id("PostReleaseFeedback", row.id)}, 202)


def feedback_routes(runtime: Runtime) -> list[Route]:
    limit = runtime.settings.max_body_bytes

    async def receive(request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if sig.SIGNATURE_HEADER not in headers:
            return _forged(
                "Sign the request: Standard Webhooks (webhook-id, "
                "webhook-timestamp, webhook-signature)."
            )
        try:
            body = await read_body(request, limit)
        except BodyTooLarge:
            return error_response(
                413, "PAYLOAD_TOO_LARGE", f"The body is larger than {limit} bytes."
            )
        try:
            signed = _signed(request.path_params["secret_id"], headers, body, runtime.clock.now())
            async with runtime.db.read_session() as session:
                secret = await verify_signed(session, signed, webhook_master_key(runtime))
        except DomainError:
            return _forged()
        item = _item(body)
        if isinstance(item, Response):
            return item
        signed_by = cmd.SignedBy(
            secret.bu_id,
            f"webhook:{secret.name}",
            webhook_rule(secret).replace("signs CDEvents", "signs feedback"),
        )
        use_case = _report(item, signed_by)
        actor = webhook_actor(secret)
        return await write(runtime, request, use_case, _answer, actor=actor, refuse=_refuse)

    return [Route(PATH, receive, methods=["POST"])]
