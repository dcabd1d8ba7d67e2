"""Documents scripts register (`signalbox documents`): audited, org-admin only, and run by pages."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from api.cli_documents import register
from api.graphql.trusted_documents import document_id
from domain.compliance.models import AuditRecord
from domain.compliance.repository import sealed
from domain.kernel.access import Actor
from domain.kernel.errors import DomainError, Forbidden, NotFound
from domain.organization.document_models import TrustedDocument
from domain.organization.documents import register_document, revoke_document
from tests.api.conftest import Api, serving, settings_for, unique

SIGNALBOX = Path(sys.executable).parent / "signalbox"
PAGE = "https://portal.example.com"


def _widget() -> str:
    """A document of a portal's own widget, new to each test."""
    return f"query Widget_{unique('w').replace('-', '_')} {{ about {{ name }} }}"


async def _as(api: Api, username: str) -> Actor:
    return await api.runtime.authenticator.authenticate(f"Bearer {api.token(username)}")


async def _records(api: Api, entity_id: str) -> list[AuditRecord]:
    async with api.runtime.db.read_session() as session:
        await sealed(session)  # audit entries are journaled on PostgreSQL
        found = await session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_type == "trusted_document")
            .where(AuditRecord.entity_id == entity_id)
            .order_by(AuditRecord.seq)
        )
        return list(found)


@pytest.fixture
async def production(api: Api) -> AsyncIterator[Api]:
    """Production mode that re-reads the registered documents on every request."""
    settings = api.runtime.settings
    async with serving(
        settings_for(
            settings.effective_database_url,
            settings.data_dir,
            env="production",
            trusted_documents_refresh_seconds=0,
        )
    ) as served:
        yield served


async def _page_runs(api: Api, body: dict[str, object]) -> httpx.Response:
    return await api.http.post(
        "/graphql",
        json=body,
        headers={"authorization": f"Bearer {api.token('rmo')}", "origin": PAGE},
    )


class TestRegistering:
    async def test_an_org_admin_registers_a_document_audited_under_its_id(self, api: Api) -> None:
        body = _widget()
        made = await api.runtime.units.run(
            lambda uow: register_document(uow, "portal widget", body), actor=await _as(api, "rmo")
        )
        assert made.document_id == document_id(body)
        [record] = await _records(api, str(made.id))
        assert record.action == "trusted_document.register"
        assert record.actor_username == "rmo"
        assert record.after["document_id"] == made.document_id
        assert "body" not in record.after

    async def test_registering_it_again_changes_nothing(self, api: Api) -> None:
        body = _widget()
        first = await api.runtime.units.run(lambda uow: register_document(uow, "w", body))
        again = await api.runtime.units.run(lambda uow: register_document(uow, "w2", body))
        assert again.id == first.id and again.name == "w"
        assert len(await _records(api, str(first.id))) == 1

    @pytest.mark.parametrize("username", ["viewer", "engineer", "payments-admin", "ci"])
    async def test_no_one_but_an_org_admin_may(self, api: Api, username: str) -> None:
        actor = await _as(api, username)
        with pytest.raises(Forbidden):
            await api.runtime.units.run(
                lambda uow: register_document(uow, "w", _widget()), actor=actor
            )

    @pytest.mark.parametrize("body", ["", "   ", "x" * 100_001])
    async def test_an_empty_or_huge_document_is_refused(self, api: Api, body: str) -> None:
        with pytest.raises(DomainError) as refused:
            await api.runtime.units.run(lambda uow: register_document(uow, "w", body))
        assert refused.value.code == "BAD_USER_INPUT" and refused.value.field == "document"

    async def test_revoking_an_unknown_document_is_not_found(self, api: Api) -> None:
        with pytest.raises(NotFound):
            await api.runtime.units.run(lambda uow: revoke_document(uow, document_id(_widget())))


class TestPagesRunRegisteredDocuments:
    async def test_a_registered_document_runs_from_a_page_until_it_is_revoked(
        self, api: Api, production: Api
    ) -> None:
        body = _widget()
        key = document_id(body)
        before = await _page_runs(production, {"documentId": key})
        assert before.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

        made = await api.runtime.units.run(lambda uow: register_document(uow, "widget", body))
        by_id = await _page_runs(production, {"documentId": key})
        assert by_id.json() == {"data": {"about": {"name": "Signalbox"}}}
        as_text = await _page_runs(production, {"query": body})
        assert as_text.status_code == 200, as_text.text

        await api.runtime.units.run(lambda uow: revoke_document(uow, key))
        after = await _page_runs(production, {"query": body})
        assert after.status_code == 403
        assert [r.action for r in await _records(api, str(made.id))] == [
            "trusted_document.register",
            "trusted_document.revoke",
        ]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SIGNALBOX, *args], env=env, capture_output=True, text=True, timeout=120)


class TestTheCommand:
    async def test_register_list_revoke(self, api: Api, migrated_url: str, tmp_path: Path) -> None:
        env = {
            **os.environ,
            "SIGNALBOX_DATABASE_URL": migrated_url,
            "SIGNALBOX_DATA_DIR": str(tmp_path),
            "SIGNALBOX_AUTO_MIGRATE": "false",
            "SIGNALBOX_LOG_JSON": "false",
        }
        file = tmp_path / "widget.graphql"
        body = _widget()
        file.write_text(body)

        registered = _cli(env, "documents", "register", str(file), "--name", "portal widget")
        assert registered.returncode == 0, registered.stderr
        assert registered.stdout.strip() == document_id(body)
        listed = _cli(env, "documents", "list")
        assert f"{document_id(body)}\tactive\tportal widget" in listed.stdout
        revoked = _cli(env, "documents", "revoke", document_id(body))
        assert revoked.returncode == 0, revoked.stderr
        async with api.runtime.db.read_session() as session:
            row = await session.scalar(
                select(TrustedDocument).where(TrustedDocument.document_id == document_id(body))
            )
        assert row is not None and row.revoked_at is not None

    def test_a_document_that_does_not_validate_is_refused(self, tmp_path: Path) -> None:
        env = {**os.environ, "SIGNALBOX_DATA_DIR": str(tmp_path), "SIGNALBOX_LOG_JSON": "false"}
        env.pop("SIGNALBOX_DATABASE_URL", None)
        file = tmp_path / "bad.graphql"
        file.write_text("query { noSuchField }")
        result = _cli(env, "documents", "register", str(file))
        assert result.returncode != 0
        assert "BAD_USER_INPUT" in result.stderr and "noSuchField" in result.stderr
        assert not (tmp_path / "signalbox.db").exists()  # refused before the database


class TestRegisteringAtTheSameTime:
    async def test_callers_racing_on_one_document_all_get_it_and_one_row_exists(
        self, api: Api
    ) -> None:
        body = _widget()
        answers = await asyncio.gather(*(register(api.runtime, "race", body) for _ in range(6)))
        assert set(answers) == {document_id(body)}
        async with api.runtime.db.read_session() as session:
            rows = await session.scalars(
                select(TrustedDocument).where(TrustedDocument.document_id == document_id(body))
            )
            [row] = list(rows)
        assert [r.action for r in await _records(api, str(row.id))] == ["trusted_document.register"]

    async def test_the_loser_of_the_insert_race_is_a_typed_refusal(self, api: Api) -> None:
        body = _widget()
        outcomes = await asyncio.gather(
            *(
                api.runtime.units.run(lambda uow: register_document(uow, "r", body))
                for _ in range(6)
            ),
            return_exceptions=True,
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                assert isinstance(outcome, DomainError), repr(outcome)
                assert outcome.code == "DOCUMENT_EXISTS"
        assert any(isinstance(o, TrustedDocument) for o in outcomes)
