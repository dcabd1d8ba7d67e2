"""Idempotency-Key is exactly-once: the answer commits with the effects, transient failures are
never replayed, the request is compared as parsed, secrets are never kept in clear."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from cryptography.fernet import Fernet
from graphql import build_schema
from sqlalchemy import event, func, select

from api.graphql import mutations
from api.graphql.idempotent import SHOWS_A_SECRET
from demo.organization import load_demo
from domain.compliance.models import AuditRecord
from domain.compliance.repository import sealed
from domain.kernel.idempotency import IdempotentResponse
from domain.organization.models import Team
from tests.api.conftest import Api, ids, serving, settings_for, unique

pytestmark = pytest.mark.fault
TEAM_CREATE = """
mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id key } errors { code } } }"""
TOKEN_CREATE = """
mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) { secret errors { code } } }"""


async def team_input(api: Api, prefix: str) -> dict[str, Any]:
    bu = (await ids(api))["payments"]
    return {"input": {"businessUnitId": bu, "key": unique(prefix), "name": "Once"}}


async def teams_and_audits(api: Api, key: str) -> tuple[int, int]:
    """How many teams have `key`, and how many `team.create` records name them."""
    async with api.runtime.db.read_session() as session:
        team_ids = [str(t) for t in (await session.scalars(select(Team.id).where(Team.key == key)))]
        await sealed(session)  # the writes' audit entries are journaled on PostgreSQL
        audits = await session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.action == "team.create", AuditRecord.entity_id.in_(team_ids))
        )
    return len(team_ids), int(audits or 0)


@contextmanager
def failing_once(api: Api, statement: str, error: BaseException) -> Iterator[list[str]]:
    """The first statement starting with `statement` fails with `error` at the driver."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if not seen and sql.lstrip().upper().startswith(statement):
            seen.append(sql)
            raise error

    engine = api.runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors") or ()]


class TestACommittedMutationIsNeverRunTwice:
    async def test_a_failure_after_the_commit_is_answered_by_replaying_the_committed_answer(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        variables = await team_input(api, "crash")
        headers = {"idempotency-key": unique("k")}
        conclude = mutations.KeyedUnit.conclude
        crashed: list[bool] = []

        async def commit_then_drop(self: mutations.KeyedUnit, answer: Any) -> None:
            await conclude(self, answer)
            if not crashed:
                crashed.append(True)
                raise ConnectionResetError("connection lost after the commit")

        monkeypatch.setattr(mutations.KeyedUnit, "conclude", commit_then_drop)
        lost = await api.post(TEAM_CREATE, variables, headers=headers)
        assert lost.status_code == 503 and codes(lost) == ["UNAVAILABLE"]
        assert lost.headers["retry-after"]
        retry = await api.post(TEAM_CREATE, variables, headers=headers)
        assert retry.status_code == 200
        assert retry.headers.get("idempotent-replayed") == "true"
        assert retry.json()["data"]["teamCreate"]["errors"] == []
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)

    async def test_a_failure_storing_the_answer_undoes_the_effects_and_the_retry_runs_once(
        self, api: Api
    ) -> None:
        variables = await team_input(api, "unstored")
        headers = {"idempotency-key": unique("k")}
        with failing_once(api, "UPDATE IDEMPOTENT_RESPONSES", ConnectionResetError("gone")) as hit:
            failed = await api.post(TEAM_CREATE, variables, headers=headers)
        assert hit, "the answer was never stored"
        assert failed.status_code == 503 and codes(failed) == ["UNAVAILABLE"]
        assert await teams_and_audits(api, variables["input"]["key"]) == (0, 0)
        retry = await api.post(TEAM_CREATE, variables, headers=headers)
        assert "idempotent-replayed" not in retry.headers
        assert retry.json()["data"]["teamCreate"]["errors"] == []
        again = await api.post(TEAM_CREATE, variables, headers=headers)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json() == retry.json()
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)


class TestTransientFailuresAreNotReplayed:
    @pytest.mark.parametrize(
        ("error", "code"),
        [
            (ConnectionResetError("dropped"), "UNAVAILABLE"),
            (RuntimeError("a bug"), "INTERNAL_SERVER_ERROR"),
        ],
    )
    async def test_the_retry_runs_the_mutation_once(
        self, api: Api, error: BaseException, code: str
    ) -> None:
        variables = await team_input(api, "transient")
        headers = {"idempotency-key": unique("k")}
        with failing_once(api, "INSERT INTO TEAMS", error) as hit:
            failed = await api.post(TEAM_CREATE, variables, headers=headers)
        assert hit
        assert code in codes(failed)
        assert failed.json()["data"] is None, "nothing committed, so nothing is reported done"
        assert await stored_bodies(api, headers["idempotency-key"]) == []
        assert await teams_and_audits(api, variables["input"]["key"]) == (0, 0)
        retry = await api.post(TEAM_CREATE, variables, headers=headers)
        assert "idempotent-replayed" not in retry.headers
        assert retry.json()["data"]["teamCreate"]["errors"] == []
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)

    async def test_a_typed_refusal_is_replayed(self, api: Api) -> None:
        variables = await team_input(api, "refused")
        await api.ok(TEAM_CREATE, variables)
        headers = {"idempotency-key": unique("k")}
        first = await api.post(TEAM_CREATE, variables, headers=headers)
        second = await api.post(TEAM_CREATE, variables, headers=headers)
        assert first.json()["data"]["teamCreate"]["errors"] == [{"code": "KEY_TAKEN"}]
        assert second.headers.get("idempotent-replayed") == "true"
        assert second.json() == first.json()


class TestRequestsAreComparedAsParsed:
    async def test_a_body_reformatted_with_other_whitespace_and_key_order_replays(
        self, api: Api
    ) -> None:
        variables = await team_input(api, "ws")
        headers = {
            "idempotency-key": unique("k"),
            "authorization": f"Bearer {api.token('rmo')}",
            "content-type": "application/json",
        }
        compact = orjson.dumps({"query": TEAM_CREATE, "variables": variables})
        spaced = (
            b'{\n  "variables" : '
            + orjson.dumps(variables, option=orjson.OPT_INDENT_2)
            + b',\n  "query":  '
            + orjson.dumps("\n\n" + TEAM_CREATE.replace(" {", "   {") + "  \n")
            + b"\n}"
        )
        first = await api.http.post("/graphql", content=compact, headers=headers)
        second = await api.http.post("/graphql", content=spaced, headers=headers)
        assert first.json()["data"]["teamCreate"]["errors"] == []
        assert second.status_code == 200
        assert second.headers.get("idempotent-replayed") == "true"
        assert second.json() == first.json()
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)

    async def test_other_variables_under_the_same_key_are_refused(self, api: Api) -> None:
        headers = {"idempotency-key": unique("k")}
        await api.post(TEAM_CREATE, await team_input(api, "a"), headers=headers)
        other = await api.post(TEAM_CREATE, await team_input(api, "b"), headers=headers)
        assert other.status_code == 422 and codes(other) == ["IDEMPOTENCY_KEY_REUSED"]


class TestADocumentPastTheTokenLimit:
    async def test_is_refused_without_claiming_the_key(self, api: Api) -> None:
        headers = {"idempotency-key": unique("k")}
        most = api.runtime.settings.graphql_max_tokens
        padded = TEAM_CREATE.replace("errors { code }", "errors { code }" + " __typename" * most)
        refused = await api.post(padded, await team_input(api, "long"), headers=headers)
        assert "data" not in refused.json() or refused.json()["data"] is None
        assert codes(refused) and "idempotent-replayed" not in refused.headers
        variables = await team_input(api, "short")
        ran = await api.post(TEAM_CREATE, variables, headers=headers)
        assert ran.status_code == 200 and ran.json()["data"]["teamCreate"]["errors"] == []
        assert "idempotent-replayed" not in ran.headers
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)


class TestTheAnswerShowsWhatTheMutationWrote:
    async def test_later_mutations_and_nested_reads_of_a_keyed_document_see_earlier_writes(
        self, api: Api
    ) -> None:
        a, b = await team_input(api, "first"), await team_input(api, "second")
        document = """
        mutation($a: TeamCreateInput!, $b: TeamCreateInput!) {
          one: teamCreate(input: $a) { team { key } errors { code } }
          two: teamCreate(input: $b) { team { key } errors { code } }
          again: teamCreate(input: $a) { team { key } errors { code } }
        }"""
        response = await api.post(
            document, {"a": a["input"], "b": b["input"]}, headers={"idempotency-key": unique("k")}
        )
        data = response.json()["data"]
        assert data["one"]["errors"] == [] and data["two"]["errors"] == []
        assert data["again"]["errors"] == [{"code": "KEY_TAKEN"}]
        assert await teams_and_audits(api, a["input"]["key"]) == (1, 1)
        assert await teams_and_audits(api, b["input"]["key"]) == (1, 1)

    async def test_nested_fields_read_through_the_unit_answer_as_without_a_key(
        self, api: Api
    ) -> None:
        document = """
        mutation($input: TeamCreateInput!) { teamCreate(input: $input) {
          team { businessUnit { key } services { nodes { key } }
                 onboarding { items { item } team { key } } }
          errors { code } } }"""
        plain, keyed = await team_input(api, "plain"), await team_input(api, "keyed")
        without = (await api.post(document, plain)).json()["data"]["teamCreate"]
        with_key = await api.post(document, keyed, headers={"idempotency-key": unique("k")})
        answered = with_key.json()["data"]["teamCreate"]
        assert answered["team"]["onboarding"]["team"] == {"key": keyed["input"]["key"]}
        assert without["team"]["onboarding"]["team"] == {"key": plain["input"]["key"]}
        for team in (answered["team"], without["team"]):
            del team["onboarding"]["team"]
        assert answered == without
        assert answered["team"]["onboarding"]["items"], "a new team has a checklist"


class TestSecretsAreNeverKeptInClear:
    def test_every_mutation_that_shows_a_secret_once_is_listed(self) -> None:
        once = re.compile(r"(?<!at )\bonce\b", re.IGNORECASE)  # "at once" is not "shown once"
        sdl = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()
        mutation_type = build_schema(sdl).mutation_type
        assert mutation_type is not None
        showing = set()
        for name, field in mutation_type.fields.items():
            payload = field.type.of_type if hasattr(field.type, "of_type") else field.type
            texts = [field.description or ""]
            texts += [f.description or "" for f in getattr(payload, "fields", {}).values()]
            if any(once.search(t) and re.search("secret|url", t, re.I) for t in texts):
                showing.add(name)
        assert showing == SHOWS_A_SECRET

    async def test_without_a_key_the_secret_is_withheld_and_its_replay_refused(
        self, api: Api
    ) -> None:
        assert api.runtime.settings.secret_key is None
        key = unique("k")
        variables = await token_input(api)
        first = await api.post(TOKEN_CREATE, variables, headers={"idempotency-key": key})
        secret = first.json()["data"]["apiTokenCreate"]["secret"]
        assert secret
        replay = await api.post(TOKEN_CREATE, variables, headers={"idempotency-key": key})
        assert replay.status_code == 410
        assert codes(replay) == ["IDEMPOTENCY_ANSWER_WITHHELD"]
        assert "SIGNALBOX_SECRET_KEY" in replay.json()["errors"][0]["message"]
        assert await stored_bodies(api, key) == [b""]

    async def test_with_a_key_the_answer_is_sealed_and_replayed(self, keyed_api: Api) -> None:
        key = unique("k")
        variables = await token_input(keyed_api)
        first = await keyed_api.post(TOKEN_CREATE, variables, headers={"idempotency-key": key})
        secret = first.json()["data"]["apiTokenCreate"]["secret"]
        replay = await keyed_api.post(TOKEN_CREATE, variables, headers={"idempotency-key": key})
        assert replay.headers.get("idempotent-replayed") == "true"
        assert replay.json() == first.json()
        (body,) = await stored_bodies(keyed_api, key)
        assert secret.encode() not in body and body


async def token_input(api: Api) -> dict[str, Any]:
    scope = {"role": "VIEWER", "businessUnitId": (await ids(api))["payments"]}
    return {"input": {"name": unique("script"), "scopes": [scope]}}


async def stored_bodies(api: Api, key: str) -> list[bytes]:
    async with api.runtime.db.read_session() as session:
        rows = await session.scalars(
            select(IdempotentResponse.body).where(IdempotentResponse.key == key)
        )
        return list(rows)


@pytest.fixture
async def keyed_api(migrated_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    settings = settings_for(migrated_url, tmp_path, secret_key=Fernet.generate_key().decode())
    async with serving(settings) as api:
        await load_demo(api.runtime)
        yield api
