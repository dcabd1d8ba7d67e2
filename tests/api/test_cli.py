"""The `signalbox` command as a newcomer and an operator use it, on a fresh SQLite file."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.repository import append_audit
from domain.kernel.access import Actor
from domain.kernel.audit import AuditEntry
from domain.kernel.db import Database
from tests.domain.compliance.audit_support import rewrite_from

ROOT = Path(__file__).resolve().parents[2]
SIGNALBOX = Path(sys.executable).parent / "signalbox"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "SIGNALBOX_DATA_DIR": str(data), "SIGNALBOX_LOG_JSON": "false"}
    env.pop("SIGNALBOX_DATABASE_URL", None)
    for args in (["migrate"], ["demo"]):
        subprocess.run([SIGNALBOX, *args], env=env, check=True, capture_output=True, timeout=120)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SIGNALBOX, *args], env=env, capture_output=True, text=True, timeout=120)


class TestNewcomerCommands:
    def test_demo_is_loaded_once(self, workspace: dict[str, str]) -> None:
        again = run(workspace, "demo")
        assert again.returncode == 0
        assert "already present" in again.stderr

    def test_users_list_names_every_demo_role(self, workspace: dict[str, str]) -> None:
        out = run(workspace, "users", "list").stdout
        for username in (
            "rmo",
            "payments-admin",
            "engineer",
            "approver",
            "sre",
            "auditor",
            "viewer",
            "ci",
        ):
            assert username in out

    def test_token_create_prints_only_the_token(self, workspace: dict[str, str]) -> None:
        result = run(workspace, "token", "create", "--user", "viewer", "--ttl", "30m")
        assert result.returncode == 0
        lines = result.stdout.splitlines()
        assert len(lines) == 1 and lines[0].count(".") == 2

    def test_token_create_for_an_unknown_user_fails_clearly(
        self, workspace: dict[str, str]
    ) -> None:
        result = run(workspace, "token", "create", "--user", "nobody")
        assert result.returncode != 0
        assert "No active user" in result.stderr
        assert result.stdout == ""

    def test_a_bad_ttl_is_refused(self, workspace: dict[str, str]) -> None:
        result = run(workspace, "token", "create", "--user", "viewer", "--ttl", "forever")
        assert result.returncode == 2

    def test_schema_export_is_the_committed_schema(self, workspace: dict[str, str]) -> None:
        assert run(workspace, "schema", "export").stdout == (ROOT / "schema.graphql").read_text()


class TestPipelineCommands:
    def test_hash_is_the_same_for_yaml_and_its_json_twin(
        self, workspace: dict[str, str], tmp_path: Path
    ) -> None:
        doc = {"stages": [{"name": "prod", "environment_kind": "production", "gates": ["freeze"]}]}
        (tmp_path / "p.json").write_text(json.dumps(doc))
        (tmp_path / "p.yaml").write_text(
            "# comments do not count\nstages:\n  - name: prod\n    environment_kind: production\n"
            "    gates: [freeze]\n"
        )
        as_json = run(workspace, "pipeline", "hash", str(tmp_path / "p.json"))
        as_yaml = run(workspace, "pipeline", "hash", str(tmp_path / "p.yaml"))
        assert as_json.returncode == 0, as_json.stderr
        assert as_json.stdout == as_yaml.stdout
        assert as_json.stdout.startswith("sha256:") and len(as_json.stdout.strip()) == 71

    def test_an_invalid_definition_fails_with_its_code(
        self, workspace: dict[str, str], tmp_path: Path
    ) -> None:
        (tmp_path / "bad.yaml").write_text("stages:\n  - name: x\n    gates: [teleport]\n")
        result = run(workspace, "pipeline", "hash", str(tmp_path / "bad.yaml"))
        assert result.returncode == 1
        assert "DEFINITION_INVALID" in result.stderr or "UNKNOWN_GATE" in result.stderr

    def test_the_deprecated_readiness_gate_is_hashed_with_a_warning(
        self, workspace: dict[str, str], tmp_path: Path
    ) -> None:
        source = (
            "stages:\n  - name: prod\n    environment_kind: production\n    gates: [readiness]\n"
        )
        (tmp_path / "old.yaml").write_text(source)
        result = run(workspace, "pipeline", "hash", str(tmp_path / "old.yaml"))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("sha256:") and len(result.stdout.strip()) == 71
        assert "warning: $.stages[0].gates[0]: gate 'readiness' is deprecated" in result.stderr


class TestAuditCommands:
    def test_verify_reports_an_intact_trail(self, workspace: dict[str, str]) -> None:
        result = run(workspace, "audit", "verify")
        assert result.returncode == 0, result.stderr
        assert "intact" in result.stdout

    def test_export_is_verifiable_by_the_standalone_script(
        self, workspace: dict[str, str], tmp_path: Path
    ) -> None:
        out = tmp_path / "audit.jsonl"
        result = run(workspace, "audit", "export", "-o", str(out))
        assert result.returncode == 0, result.stderr
        lines = out.read_text().splitlines()
        assert len(lines) > 100
        assert json.loads(lines[0])["seq"] == 1
        script = ROOT / "domain" / "compliance" / "verify_export.py"
        check = subprocess.run(
            [sys.executable, script, out], capture_output=True, text=True, timeout=60
        )
        assert check.returncode == 0, check.stdout + check.stderr

    def test_export_filters_by_business_unit(
        self, workspace: dict[str, str], tmp_path: Path
    ) -> None:
        out = tmp_path / "retail.jsonl"
        assert run(workspace, "audit", "export", "--bu", "retail", "-o", str(out)).returncode == 0
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert records and len({r["bu_id"] for r in records}) == 1

    def test_verify_names_the_first_tampered_record(
        self, workspace: dict[str, str], tmp_path: Path
    ) -> None:
        env = {**workspace, "SIGNALBOX_DATA_DIR": str(tmp_path)}
        assert run(env, "demo").returncode == 0
        with sqlite3.connect(tmp_path / "signalbox.db") as db:
            # The append-only trigger refuses; whoever may write the file can drop it.
            db.execute("DROP TRIGGER audit_records_no_update")
            db.execute("UPDATE audit_records SET actor_username = 'mallory' WHERE seq = 7")
        result = run(env, "audit", "verify")
        assert result.returncode == 1
        assert "BROKEN at record 7" in result.stdout


class TestFirstAdministrator:
    def test_users_create_registers_an_org_admin_who_can_get_a_token(
        self, workspace: dict[str, str]
    ) -> None:
        created = run(
            workspace, "users", "create", "--email", "grace@example.com", "--name", "Grace H",
            "--role", "org_admin",
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        assert created.stdout.strip() == "created grace org_admin@org"
        listed = [line.split() for line in run(workspace, "users", "list").stdout.splitlines()]
        assert ["grace", "human", "org_admin@org", "Grace", "H"] in listed
        minted = run(workspace, "token", "create", "--user", "grace", "--ttl", "5m")
        assert minted.returncode == 0 and minted.stdout.count(".") == 2

    def test_the_creation_is_audited_as_the_system_and_the_chain_stays_intact(
        self, workspace: dict[str, str]
    ) -> None:
        email = "linus@example.com"
        args = ["--name", "Linus", "--role", "bu_admin", "--business-unit", "payments"]
        assert run(workspace, "users", "create", "--email", email, *args).returncode == 0
        with sqlite3.connect(Path(workspace["SIGNALBOX_DATA_DIR"]) / "signalbox.db") as db:
            rows = db.execute(
                "SELECT action, actor_subject, request_id FROM audit_records "
                "ORDER BY seq DESC LIMIT 2"
            ).fetchall()
        assert sorted(r[0] for r in rows) == ["person.create", "role_grant.grant"]
        assert {r[1] for r in rows} == {"system"}
        assert "intact" in run(workspace, "audit", "verify").stdout

    def test_an_address_already_known_is_a_clear_error_and_changes_nothing(
        self, workspace: dict[str, str]
    ) -> None:
        first = ["--email", "ken@example.com", "--name", "Ken", "--role", "viewer"]
        assert run(workspace, "users", "create", *first).returncode == 0
        before = run(workspace, "users", "list").stdout
        again = run(workspace, "users", "create", *first, "--username", "ken2")
        assert again.returncode == 1
        assert again.stderr.strip() == (
            "Error: EMAIL_TAKEN: Someone already has the address 'ken@example.com'."
        )
        assert run(workspace, "users", "list").stdout == before

    def test_a_refused_role_leaves_no_person_behind(self, workspace: dict[str, str]) -> None:
        result = run(
            workspace, "users", "create", "--email", "xavier@example.com", "--name", "Xavier",
            "--role", "emperor",
        )  # fmt: skip
        assert result.returncode == 1
        assert "UNKNOWN_ROLE" in result.stderr
        assert "xavier" not in run(workspace, "users", "list").stdout


class TestQuietCommands:
    """Commands that succeed print nothing else on stderr: no pool reset tracebacks, no policy."""

    @pytest.mark.parametrize(
        "args",
        [["users", "list"], ["token", "create", "--user", "viewer"]],
    )
    def test_a_successful_command_writes_nothing_to_stderr(
        self, workspace: dict[str, str], args: list[str]
    ) -> None:
        result = run(workspace, *args)
        assert result.returncode == 0
        assert result.stderr == ""

    def test_checkpoint_then_verify_write_nothing_to_stderr(
        self, workspace: dict[str, str]
    ) -> None:
        # Without a checkpoint, verify rightly warns (on stderr) that it cannot see a re-hash.
        for args in (["audit", "checkpoint"], ["audit", "verify"]):
            result = run(workspace, *args)
            assert result.returncode == 0, result.stdout + result.stderr
            assert result.stderr == ""

    def test_a_token_that_would_never_live_is_refused_without_a_traceback(
        self, workspace: dict[str, str]
    ) -> None:
        result = run(workspace, "token", "create", "--user", "viewer", "--ttl", "0s")
        assert result.returncode == 2
        assert "must live longer than 0" in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""


class TestFirstAdministratorWithOidc:
    def test_the_subject_the_provider_signs_must_be_given(self, workspace: dict[str, str]) -> None:
        env = {**workspace, "SIGNALBOX_OIDC_ISSUER": "https://id.example.com/realms/acme"}
        args = ["--email", "oidc@example.com", "--name", "O", "--role", "org_admin"]
        result = run(env, "users", "create", *args)
        assert result.returncode == 2
        assert "give --subject" in result.stderr
        assert "oidc " not in run(workspace, "users", "list").stdout


class TestAuditCheckpointCommands:
    """A fresh database, its checkpoint log in the data directory, tampered as an attacker would."""

    @pytest.fixture
    def fresh(self, tmp_path: Path) -> dict[str, str]:
        env = {**os.environ, "SIGNALBOX_DATA_DIR": str(tmp_path), "SIGNALBOX_LOG_JSON": "false"}
        env.pop("SIGNALBOX_DATABASE_URL", None)
        assert run(env, "migrate").returncode == 0
        return env

    def test_a_fresh_database_checkpoints_and_verifies_intact(self, fresh: dict[str, str]) -> None:
        signed = run(fresh, "audit", "checkpoint")
        assert signed.returncode == 0, signed.stdout + signed.stderr
        assert "checkpoint signed: 0 records" in signed.stdout
        result = run(fresh, "audit", "verify")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 signed checkpoint(s) hold" in result.stdout and "intact" in result.stdout

    def test_a_truncated_tail_fails_verify(self, fresh: dict[str, str]) -> None:
        asyncio.run(fill_audit(sqlite_url(fresh), 160))
        assert run(fresh, "audit", "checkpoint").returncode == 0
        with sqlite3.connect(Path(fresh["SIGNALBOX_DATA_DIR"]) / "signalbox.db") as db:
            db.execute("DROP TRIGGER audit_records_no_delete")
            db.execute(
                "DELETE FROM audit_records WHERE seq > (SELECT max(seq) - 10 FROM audit_records)"
            )
        result = run(fresh, "audit", "verify")
        assert result.returncode == 1
        assert "BROKEN" in result.stdout and "TRUNCATED" in result.stdout

    def test_a_rehashed_edit_fails_verify_and_refuses_a_new_checkpoint(
        self, fresh: dict[str, str]
    ) -> None:
        asyncio.run(fill_audit(sqlite_url(fresh), 160))
        assert run(fresh, "audit", "checkpoint").returncode == 0
        asyncio.run(rewrite_record_107(sqlite_url(fresh)))

        result = run(fresh, "audit", "verify")
        assert result.returncode == 1
        assert "BROKEN" in result.stdout and "ANCHOR_MISMATCH" in result.stdout
        refused = run(fresh, "audit", "checkpoint")
        assert refused.returncode == 1 and "AUDIT_TRAIL_BROKEN" in refused.stdout

    def test_a_log_signed_with_another_key_is_refused(self, fresh: dict[str, str]) -> None:
        assert run(fresh, "audit", "checkpoint").returncode == 0
        other = run(fresh, "audit", "verify", "--public-key", OTHER_KEY)
        assert other.returncode == 1 and "CHECKPOINT_SIGNATURE_INVALID" in other.stdout


OTHER_KEY = base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()


def sqlite_url(env: dict[str, str]) -> str:
    return f"sqlite+aiosqlite:///{Path(env['SIGNALBOX_DATA_DIR']) / 'signalbox.db'}"


async def fill_audit(url: str, count: int) -> None:
    """`count` records appended through the audit trail's own append (the demo's worth of chain
    without its minute of loading on a busy machine)."""
    db = Database(url)
    actor = Actor(None, "system", "System", ("system",), via="system")
    at = datetime(2026, 12, 1, tzinfo=UTC)
    entries = [
        AuditEntry(
            at,
            actor,
            "team.create",
            "team",
            str(uuid.uuid4()),
            None,
            None,
            {"key": f"team-{n}"},
            "test",
            None,
        )
        for n in range(count)
    ]
    try:
        async with AsyncSession(db.engine) as session, session.begin():
            await append_audit(session, entries)
    finally:
        await db.dispose()


async def rewrite_record_107(url: str) -> None:
    db = Database(url)
    try:
        async with AsyncSession(db.engine) as session, session.begin():
            await rewrite_from(session, 107, actor_username="mallory")
    finally:
        await db.dispose()
