"""OpenFeature Remote Evaluation Protocol (OFREP v1): any OpenFeature SDK reads Signalbox flags.

- `POST /ofrep/v1/evaluate/flags/{key}`: one flag, `{"context": {"targetingKey": …, …}}`;
- `POST /ofrep/v1/evaluate/flags`: every flag the caller may evaluate, with an ETag
  (`If-None-Match` → 304 while the answer for that context is unchanged).

The environment is the `X-Signalbox-Environment` header (an environment key such as
`production-eu`), so one token and one context can read staging and production alike, and
browser contexts never choose it. No header, or an environment that is neither in the catalog
nor named by any flag state, is a 400 INVALID_CONTEXT for single and bulk evaluation alike (the
spec's `evaluationFailure` and `bulkEvaluationFailure`): a typo must not read as "every flag
is off". Callers authenticate like every other private path (an API token `sbx_…` or a JWT as
`Authorization: Bearer`) or with an API token in OFREP's optional `X-API-Key` header, and need
`flag/evaluate` in the flag's BU; a flag outside it reads as FLAG_NOT_FOUND, and a caller with
`flag/evaluate` nowhere gets 403.

Values have their flag's type: a NUMBER flag's values are floats on the wire (`5.0`, so the
SDKs' float getters accept a whole number), an INTEGER flag's are integers.

Reasons are OFREP's: the domain's DEFAULT (targeting ran and no rule matched, so the off
variant is served) is reported as TARGETING_MATCH, since OFREP's reason enum has no DEFAULT;
the variant tells the two apart.

Evaluation is a pure function over the environment's cached snapshot; no database access per
evaluation (see domain.flags.snapshots).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.http import BodyTooLarge, ORJSONResponse, read_body
from domain.flags.evaluation import Reason, Resolution, evaluate
from domain.flags.snapshots import Snapshot, SnapshotFlag, evaluate_all
from domain.flags.targeting import EvaluationContext, attribute_text
from domain.kernel.access import Action, Resource
from domain.kernel.errors import Unavailable

if TYPE_CHECKING:
    from api.runtime import Runtime

ENVIRONMENT_HEADER = "x-signalbox-environment"
OFREP_PREFIX = "/ofrep/"
SINGLE_PATH = "/ofrep/v1/evaluate/flags/{key:path}"
BULK_PATH = "/ofrep/v1/evaluate/flags"
_ENVIRONMENT = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_WIRE_REASON = {Reason.DEFAULT: "TARGETING_MATCH"}


def ofrep_routes(runtime: Runtime) -> list[Route]:
    endpoints = _Endpoints(runtime)
    return [
        Route(SINGLE_PATH, endpoints.single, methods=["POST"]),
        Route(BULK_PATH, endpoints.bulk, methods=["POST"]),
    ]


class _Refused(Exception):
    def __init__(self, status: int, code: str, details: str) -> None:
        self.status, self.code, self.details = status, code, details


class _Endpoints:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.cache = runtime.flag_snapshots

    async def single(self, request: Request) -> Response:
        key: str = request.path_params["key"]
        prepared = await self._prepared(request, key)
        if isinstance(prepared, Response):
            return prepared
        environment, scope, ctx, snapshot = prepared
        found = snapshot.lookup(key, scope)
        if found is None:
            return ORJSONResponse(
                {
                    "key": key,
                    "errorCode": "FLAG_NOT_FOUND",
                    "errorDetails": f"Flag '{key}' was not found in {environment}.",
                },
                status_code=404,
            )
        resolution = evaluate(found.compiled, ctx)
        self._noted([found], environment)
        return ORJSONResponse(_success(found, resolution))

    async def bulk(self, request: Request) -> Response:
        prepared = await self._prepared(request, None)
        if isinstance(prepared, Response):
            return prepared
        environment, scope, ctx, snapshot = prepared
        evaluated = evaluate_all(snapshot, scope, ctx)
        body = orjson.dumps(
            {
                "flags": [_success(f, r) for f, r in evaluated],
                "metadata": {"environment": environment},
            }
        )
        self._noted([f for f, _ in evaluated], environment)
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    async def _prepared(
        self, request: Request, key: str | None
    ) -> tuple[str, Any, EvaluationContext, Snapshot] | Response:
        """The environment, scope, context and snapshot to evaluate with, or the refusal."""
        try:
            environment, scope, ctx = await self._request(request)
            snapshot = await self.cache.snapshot(environment)
            if not snapshot.known:
                raise _Refused(
                    400,
                    "INVALID_CONTEXT",
                    f"There is no environment '{environment}': name one of the environment "
                    "catalog in the X-Signalbox-Environment header.",
                )
            return environment, scope, ctx, snapshot
        except _Refused as exc:
            return _failure(exc, key)
        except Unavailable as exc:
            return self._unavailable(exc)

    async def _request(self, request: Request) -> tuple[str, Any, EvaluationContext]:
        actor = request.state.actor
        scope = self.runtime.authorizer.scope(actor, Action.EVALUATE, Resource.FLAG)
        if scope.empty:
            raise _Refused(403, "GENERAL", "You may not evaluate flags.")
        environment = request.headers.get(ENVIRONMENT_HEADER, "")
        if not _ENVIRONMENT.fullmatch(environment):
            raise _Refused(
                400,
                "INVALID_CONTEXT",
                "Name the environment in the X-Signalbox-Environment header "
                "(an environment key such as production-eu).",
            )
        try:
            raw = await read_body(request, self.runtime.settings.max_body_bytes)
            body = orjson.loads(raw)
        except BodyTooLarge:
            raise _Refused(413, "PARSE_ERROR", "The request body is too large.") from None
        except orjson.JSONDecodeError:
            raise _Refused(400, "PARSE_ERROR", "The request body is not JSON.") from None
        context = body.get("context") if isinstance(body, dict) else None
        if not isinstance(context, dict):
            raise _Refused(400, "INVALID_CONTEXT", 'Send {"context": {"targetingKey": …}}.')
        targeting_key = context.get("targetingKey")
        if targeting_key is None:
            raise _Refused(400, "TARGETING_KEY_MISSING", "The context has no targetingKey.")
        if not isinstance(targeting_key, str):
            raise _Refused(400, "INVALID_CONTEXT", "The targetingKey is not a string.")
        attributes: dict[str, str] = {}
        for name, value in context.items():
            text = attribute_text(value)
            if text is not None and name != "targetingKey":
                attributes[name] = text
        ctx = EvaluationContext(targeting_key, attributes, self.runtime.clock.now())
        return environment, scope, ctx

    def _noted(self, flags: list[SnapshotFlag], environment: str) -> None:
        self.cache.note((f.flag_id for f in flags), environment)
        self.cache.flush_soon(self.runtime.clock.now())

    def _unavailable(self, exc: Unavailable) -> Response:
        self.runtime.metrics.db_unavailable.inc()
        return ORJSONResponse(
            {"errorDetails": exc.message}, status_code=503, headers={"Retry-After": "2"}
        )


def _success(found: SnapshotFlag, r: Resolution) -> dict[str, Any]:
    return {
        "key": found.compiled.key,
        "value": r.value,
        "reason": _WIRE_REASON.get(r.reason, r.reason.value),
        "variant": r.variant,
        "metadata": found.metadata,
    }


def _failure(exc: _Refused, key: str | None) -> Response:
    body: dict[str, Any] = {"errorCode": exc.code, "errorDetails": exc.details}
    if key is not None and exc.status == 400:
        body = {"key": key, **body}
    if exc.status in (403, 413):
        body = {"errorDetails": exc.details}
    return ORJSONResponse(body, status_code=exc.status)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    offered = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in offered or etag in offered
