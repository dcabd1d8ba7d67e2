"""Mutations sent with an Idempotency-Key: exactly once, the answer replayed.

The key is claimed, the document run and its answer stored in one transaction
(`api.graphql.mutations.KeyedUnit`), committed once: a mutation either committed with the
answer a retry will get, or did not happen. Stored are the answers of committed work and of
deterministic refusals (typed payload errors, bad input); an answer naming a transient failure
(UNAVAILABLE, INTERNAL_SERVER_ERROR, a deadline) is rolled back with everything else, so the
retry runs the mutation, once. Requests are compared on their parsed form (canonical JSON,
the document re-printed), so the same request with other whitespace replays.

An answer that shows a secret once (the mutations in `SHOWS_A_SECRET`) is never kept in
clear: it is sealed with SIGNALBOX_SECRET_KEY, and without a configured key it is withheld and
its replay refused with IDEMPOTENCY_ANSWER_WITHHELD (410): the work was done, the secret is
not shown twice; create another and revoke the first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    OperationType,
    Visitor,
    parse,
    print_ast,
    visit,
)
from starlette.requests import Request
from starlette.responses import Response

from api.graphql.errors import TopLevelCode
from api.graphql.limits import operation_type
from api.graphql.mutations import KeyedUnit
from api.http import ORJSONResponse, error_response, unavailable
from domain.kernel import idempotency
from domain.kernel.db import unavailable_on_outage
from domain.kernel.errors import Unavailable
from domain.kernel.idempotency import Keeping
from domain.kernel.sealed import Sealer, SealError

if TYPE_CHECKING:
    from api.runtime import Runtime

MAX_KEY = 200
SHOWS_A_SECRET = frozenset(
    {"apiTokenCreate", "calendarFeedCreate", "webhookSecretCreate", "webhookSubscriptionCreate"}
)
"""Mutations whose answer shows a secret once (a test holds this against the schema)."""
TRANSIENT = frozenset(
    {
        TopLevelCode.UNAVAILABLE,
        TopLevelCode.DEADLINE_EXCEEDED,
        TopLevelCode.INTERNAL_SERVER_ERROR,
        # Refused before or while running (api/rate_limits.py, api/db_budget.py): nothing of
        # it commits, and the same key runs it once the caller may again.
        TopLevelCode.RATE_LIMITED,
        TopLevelCode.DATABASE_BUDGET_EXCEEDED,
    }
)
Execute = Callable[[Request, dict[str, Any], str, KeyedUnit | None], Awaitable[Response]]


class IdempotentMutations:
    def __init__(self, runtime: Runtime, execute: Execute) -> None:
        self.runtime = runtime
        self._execute = execute
        key = runtime.settings.secret_key
        self._sealer = Sealer.from_setting(key) if key else None

    async def handle(
        self, request: Request, parsed: dict[str, Any], key: str, media: str
    ) -> Response:
        if not 1 <= len(key) <= MAX_KEY:
            return error_response(
                400, "BAD_USER_INPUT", "Idempotency-Key takes 1 to 200 characters."
            )
        max_tokens = self.runtime.settings.graphql_max_tokens
        name = parsed.get("operationName")
        # The bounded look (api/graphql/limits.py): a document past the token limit is never
        # parsed in full here, and execution refuses it without claiming the key.
        if operation_type(parsed["query"], name, max_tokens) is not OperationType.MUTATION:
            return await self._execute(request, parsed, media, None)
        document = parse(parsed["query"], max_tokens=max_tokens)
        subject = request.state.actor.subject
        digest = idempotency.request_digest(_canonical(parsed, document))
        try:
            stored = await self._stored(subject, key)
            if stored is None:
                answered = await self._run(
                    request, parsed, (subject, key, digest), media, _shows_a_secret(document)
                )
                if answered is not None:
                    return answered
                stored = await self._stored(subject, key)
        except Unavailable as exc:
            self.runtime.metrics.db_unavailable.inc()
            return unavailable(exc.message)
        if stored is None:  # the request that held the key rolled back meanwhile
            return error_response(
                409,
                "IDEMPOTENCY_IN_PROGRESS",
                "A request with this Idempotency-Key was running; retry shortly.",
                {"Retry-After": "1"},
            )
        return self._replay(stored, digest, media)

    async def _stored(self, subject: str, key: str) -> idempotency.IdempotentResponse | None:
        async with self.runtime.db.read_session() as session:
            return await idempotency.find(session, subject, key)

    async def _run(
        self,
        request: Request,
        parsed: dict[str, Any],
        claim: tuple[str, str, str],
        media: str,
        secret: bool,
    ) -> Response | None:
        """Claim, run and answer in one unit; None when another request claimed the key
        first (on PostgreSQL the claim waits for that request to commit or roll back)."""
        subject, key, digest = claim
        uow = self.runtime.unit_of_work(request.state.actor, request.state.request_id)
        keyed = KeyedUnit(uow)
        async with unavailable_on_outage(), uow:
            if not await idempotency.claim(uow.session, subject, key, digest, uow.clock.now()):
                return None
            response = await self._execute(request, parsed, media, keyed)
            body = orjson.loads(response.body)
            if _transient(response, body):
                # Nothing of it commits: no partial data, nothing stored, the retry runs it.
                return ORJSONResponse(
                    {"errors": body.get("errors"), "data": None},
                    status_code=response.status_code,
                    headers=_retry_after(response),
                    media_type=media,
                )
            keeping, kept = self._keep(bytes(response.body), secret)
            status = response.status_code
            await keyed.conclude(
                lambda u: idempotency.answer(u.session, subject, key, status, kept, keeping)
            )
        return response

    def _keep(self, body: bytes, secret: bool) -> tuple[Keeping, bytes]:
        if not secret:
            return Keeping.CLEAR, body
        if self._sealer is None:
            return Keeping.WITHHELD, b""
        return Keeping.SEALED, self._sealer.seal(body.decode()).encode()

    def _replay(self, stored: idempotency.IdempotentResponse, digest: str, media: str) -> Response:
        if stored.request_hash != digest:
            return error_response(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used with a different request.",
            )
        body = stored.body
        if stored.keeping == Keeping.SEALED and self._sealer is not None:
            try:
                body = self._sealer.unseal(body.decode()).encode()
            except SealError:
                return _withheld("it was sealed with a key that is no longer configured")
        elif stored.keeping != Keeping.CLEAR:
            return _withheld("it showed a secret and no SIGNALBOX_SECRET_KEY seals it")
        return Response(
            body,
            status_code=stored.status_code,
            media_type=media,
            headers={"Idempotent-Replayed": "true"},
        )


def _withheld(why: str) -> Response:
    return error_response(
        410,
        "IDEMPOTENCY_ANSWER_WITHHELD",
        f"This request was done, but its answer is not replayed: {why}. "
        "Create another and revoke the first.",
        {"Idempotent-Replayed": "true"},
    )


def _transient(response: Response, body: dict[str, Any]) -> bool:
    if response.status_code >= 500:
        return True
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or ()}
    return bool(codes & TRANSIENT)


def _retry_after(response: Response) -> dict[str, str] | None:
    value = response.headers.get("retry-after")
    return None if value is None else {"Retry-After": value}


def _canonical(parsed: dict[str, Any], document: DocumentNode) -> dict[str, Any]:
    """The request as compared: the document re-printed (whitespace and comments are not part
    of it), variables and the operation name as parsed."""
    return {
        "query": print_ast(document),
        "variables": parsed.get("variables") or {},
        "operationName": parsed.get("operationName"),
    }


def _shows_a_secret(document: DocumentNode) -> bool:
    """True when a field of `SHOWS_A_SECRET` is selected anywhere (fragments included)."""
    fields = _Fields()
    visit(document, fields)
    return not fields.names.isdisjoint(SHOWS_A_SECRET)


class _Fields(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.names.add(node.name.value)
