"""The promotion decision for CI: one call, an answer with exit-code-friendly fields.

- `GET /decisions?service=<key>&environment=<key>&version=<v>[&release=<id>][&fresh=true]`
  asks (needs `promotion/evaluate`); nothing is recorded, and the facts may be up to two
  seconds old (`asOf` says when they were gathered; `fresh=true` gathers them now).
- `POST /decisions` with `{"service", "environment", "version", "release"?, "changes"?:
  [{"ref", "authors": [usernames], "reviewers": [usernames]}]}` requests a promotion (needs
  `promotion/create`): decided at once and recorded in the audit trail with every gate.

Both answer `{"allowed", "exitCode", "status", "summary", "asOf", "riskLevel", "gates": [{"gate",
"status", "reason", "evidence", "waivedBy"}], "promotionId"?}` where `exitCode` is 0 when
allowed, 1 when a gate failed and 2 when only pending gates block (wait and ask again):

    answer=$(curl -fsS -H "Authorization: Bearer $SIGNALBOX_TOKEN" \\
      "$SIGNALBOX/decisions?service=card-gateway&environment=production-eu&version=$VERSION")
    exit "$(echo "$answer" | jq .exitCode)"
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.endpoints.writes import write
from api.global_ids import from_id_or_uuid, to_global_id, with_global_ids
from api.http import BodyTooLarge, ORJSONResponse, domain_refusal, error_response, read_body
from api.text_input import first_unstorable, refusal_message
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.reader import Reader
from domain.pipelines import promotion_repository as repo
from domain.pipelines import promotions
from domain.pipelines.decision_rules import Decision
from domain.pipelines.promotion_commands import AskPromotion, Change
from domain.pipelines.snapshot_cache import SnapshotCache

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/decisions"
_caches: weakref.WeakKeyDictionary[Runtime, SnapshotCache] = weakref.WeakKeyDictionary()


def decision_cache(runtime: Runtime) -> SnapshotCache:
    """The process's snapshot cache for asked (not recorded) decisions."""
    cache = _caches.get(runtime)
    if cache is None:
        cache = _caches[runtime] = SnapshotCache()
    return cache


class _Bad(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def answer(decision: Decision, risk_level: str | None, **extra: Any) -> dict[str, Any]:
    status = decision.status
    return {
        "allowed": decision.allowed,
        "exitCode": {"allowed": 0, "refused": 1}.get(str(status), 2),
        "status": str(status),
        "summary": decision.summary,
        "asOf": decision.as_of.isoformat() if decision.as_of else None,
        "riskLevel": risk_level,
        "gates": [
            {
                "gate": o.gate,
                "status": str(o.status),
                "reason": o.reason,
                "evidence": with_global_ids(o.evidence),
                "waivedBy": to_global_id("Bypass", o.waived_by) if o.waived_by else None,
            }
            for o in decision.outcomes
        ],
        **extra,
    }


def _text(data: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"`{name}` is required: a non-empty string.")
    return value.strip()


def _fresh(query: dict[str, Any]) -> bool:
    value = query.get("fresh", "false")
    if value not in ("true", "false"):
        raise _Bad("`fresh` is true or false.")
    return value == "true"


def _changes(raw: Any) -> tuple[Change, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _Bad("`changes` is a list of {ref, authors, reviewers}.")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("ref"), str):
            raise _Bad("Each change has a `ref` string.")
        people = [item.get("authors") or [], item.get("reviewers") or []]
        if not all(isinstance(p, list) and all(isinstance(n, str) for n in p) for p in people):
            raise _Bad("`authors` and `reviewers` are lists of usernames.")
        out.append(Change(item["ref"], tuple(people[0]), tuple(people[1])))
    return tuple(out)


async def _ask(runtime: Runtime, data: dict[str, Any]) -> AskPromotion:
    service_key = _text(data, "service")
    environment_key = _text(data, "environment")
    version = _text(data, "version")
    release = _text(data, "release", required=False)
    assert service_key and environment_key and version
    try:
        release_id = from_id_or_uuid(release, "Release", "release") if release else None
    except DomainError:
        raise _Bad("`release` is the release's global id (or, deprecated, its UUID).") from None
    async with runtime.db.read_session() as session:
        service_id, env_id = await repo.ids_by_keys(session, service_key, environment_key)
    if service_id is None:
        raise NotFound(f"Service {service_key} was not found.", field="service")
    if env_id is None:
        raise NotFound(f"Environment {environment_key} was not found.", field="environment")
    return AskPromotion(service_id, env_id, version, release_id, _changes(data.get("changes")))


def _requested(result: tuple[Any, Decision]) -> Response:
    promotion, decision = result
    level = promotion.decision.get("riskLevel")
    promotion_id = to_global_id("Promotion", promotion.id)
    return ORJSONResponse(answer(decision, level, promotionId=promotion_id), status_code=201)


def decision_routes(runtime: Runtime) -> list[Route]:
    limit = runtime.settings.max_body_bytes

    async def endpoint(request: Request) -> Response:
        try:
            if request.method == "GET":
                query = dict(request.query_params)
                c = await _ask(runtime, query)
                cache = None if _fresh(query) else decision_cache(runtime)
                async with runtime.db.read_session() as session:
                    reader = Reader(session, request.state.actor, runtime.authorizer)
                    s, decision = await promotions.evaluate(reader, c, runtime.clock.now(), cache)
                return ORJSONResponse(answer(decision, s.risk_level))
            try:
                data = orjson.loads(await read_body(request, limit))
            except orjson.JSONDecodeError:
                raise _Bad("The body is not JSON.") from None
            if not isinstance(data, dict):
                raise _Bad("The body is a JSON object.")
            if (where := first_unstorable(data, "")) is not None:
                raise _Bad(refusal_message(where))
            c = await _ask(runtime, data)
            return await write(
                runtime, request, lambda uow: promotions.request_promotion(uow, c), _requested
            )
        except BodyTooLarge:
            return error_response(413, "PAYLOAD_TOO_LARGE", "The body is too large.")
        except _Bad as e:
            return error_response(400, "BAD_USER_INPUT", e.message)
        except DomainError as e:
            return domain_refusal(e)

    return [Route(PATH, endpoint, methods=["GET", "POST"])]
