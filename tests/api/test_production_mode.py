"""Production refuses unsafe configuration: one line on stderr, a non-zero exit, no traceback.

The refusals run the real `signalbox` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from api.app import create_app
from api.cli import EXIT_CONFIG, EXIT_UNAVAILABLE
from api.settings import Settings
from api.startup import ConfigurationError, configuration_problems, secret_key_problem

SIGNALBOX = Path(sys.executable).parent / "signalbox"
UNREACHABLE_PG = "postgresql+asyncpg://signalbox:s3cr3t-pw@127.0.0.1:9/signalbox"


def valid_key() -> str:
    return Fernet.generate_key().decode()


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALBOX_")}
    environment.update(
        SIGNALBOX_DATA_DIR=str(tmp_path), SIGNALBOX_ENV="production", SIGNALBOX_LOG_JSON="false"
    )
    environment.update(env)
    return subprocess.run(
        [SIGNALBOX, *args], env=environment, capture_output=True, text=True, timeout=120
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a refusal prints on stderr (and nothing on stdout)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]


class TestSecretKey:
    @pytest.mark.parametrize("command", [["serve"], ["migrate"], ["users", "list"]])
    def test_production_without_a_secret_key_refuses_to_start(
        self, tmp_path: Path, command: list[str]
    ) -> None:
        result = run(tmp_path, *command, SIGNALBOX_ALLOW_LOCAL_ISSUER="true")
        assert result.returncode == EXIT_CONFIG
        assert "SIGNALBOX_SECRET_KEY is required in production" in one_line(result)
        assert not (tmp_path / "signalbox.db").exists()  # refused before touching the database

    @pytest.mark.parametrize(
        "key",
        [
            "too-short",
            "x" * 44,  # the length of a key, not base64 of 32 bytes
            Fernet.generate_key().decode()[:-4],
            f"{Fernet.generate_key().decode()},not-a-key",  # every rotated key counts
        ],
        # named, not shown: a key is random, and xdist's workers must collect the same ids
        ids=["too-short", "key-length-not-base64", "truncated-key", "one-rotated-key-bad"],
    )
    def test_an_invalid_secret_key_is_refused_without_being_printed(
        self, tmp_path: Path, key: str
    ) -> None:
        result = run(
            tmp_path, "serve", SIGNALBOX_SECRET_KEY=key, SIGNALBOX_ALLOW_LOCAL_ISSUER="true"
        )
        assert result.returncode == EXIT_CONFIG
        line = one_line(result)
        assert "is not a Fernet key" in line
        assert key not in line


class TestIdentityProvider:
    def test_production_without_an_issuer_or_the_local_opt_in_refuses_to_start(
        self, tmp_path: Path
    ) -> None:
        result = run(tmp_path, "serve", SIGNALBOX_SECRET_KEY=valid_key())
        assert result.returncode == EXIT_CONFIG
        line = one_line(result)
        assert "no identity provider" in line and "SIGNALBOX_OIDC_ISSUER" in line


class TestDemo:
    def test_demo_refuses_in_production_even_with_a_valid_configuration(
        self, tmp_path: Path
    ) -> None:
        result = run(
            tmp_path, "demo", SIGNALBOX_SECRET_KEY=valid_key(), SIGNALBOX_ALLOW_LOCAL_ISSUER="true"
        )
        assert result.returncode == EXIT_CONFIG
        assert "refusing to load demo data" in one_line(result)
        assert not (tmp_path / "signalbox.db").exists()


class TestUnusableDatabase:
    @pytest.mark.parametrize("command", [["serve"], ["users", "list"], ["audit", "verify"]])
    def test_an_unreachable_database_is_one_line_without_its_password(
        self, tmp_path: Path, command: list[str]
    ) -> None:
        result = run(
            tmp_path,
            *command,
            SIGNALBOX_ENV="development",
            SIGNALBOX_DATABASE_URL=UNREACHABLE_PG,
            SIGNALBOX_DB_POOL_TIMEOUT_SECONDS="10",
        )
        assert result.returncode == EXIT_UNAVAILABLE
        line = one_line(result)
        assert "cannot use the database postgresql+asyncpg://signalbox:***@127.0.0.1:9" in line
        assert "s3cr3t-pw" not in line

    def test_a_setting_that_does_not_parse_is_one_line(self, tmp_path: Path) -> None:
        result = run(tmp_path, "users", "list", SIGNALBOX_ENV="development", SIGNALBOX_PORT="x")
        assert result.returncode == EXIT_CONFIG
        assert "SIGNALBOX_PORT" in one_line(result)


class TestWorkerStartUp:
    """uvicorn's workers build the app themselves: they refuse too, and say why in one line."""

    def test_a_worker_refuses_the_configuration_the_command_refuses(self, tmp_path: Path) -> None:
        settings = Settings(env="production", data_dir=tmp_path, allow_local_issuer=True)
        with pytest.raises(ConfigurationError, match="SIGNALBOX_SECRET_KEY"):
            create_app(settings)

    async def test_a_worker_whose_database_is_unreachable_reports_one_line(
        self, tmp_path: Path
    ) -> None:
        settings = Settings(
            env="test", data_dir=tmp_path, database_url=UNREACHABLE_PG, log_json=False
        )
        app = create_app(settings)
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        with pytest.raises(Exception):  # what the driver raised, re-raised to the server
            await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        assert [m["type"] for m in sent] == ["lifespan.startup.failed"]
        message = sent[0]["message"]
        assert "\n" not in message and "s3cr3t-pw" not in message
        assert message.startswith("cannot use the database postgresql+asyncpg://signalbox:***@")


class TestWhatAValidKeyIs:
    def test_a_fernet_key_and_a_rotation_of_two_are_valid(self) -> None:
        assert secret_key_problem(valid_key()) is None
        assert secret_key_problem(f"{valid_key()}, {valid_key()}") is None

    def test_a_valid_production_configuration_has_no_problem(self, tmp_path: Path) -> None:
        with_oidc = Settings(
            env="production", secret_key=valid_key(), oidc_issuer="https://id.example.com"
        )
        local = Settings(env="production", secret_key=valid_key(), allow_local_issuer=True)
        assert configuration_problems(with_oidc) == [] == configuration_problems(local)

    def test_development_needs_no_key_but_refuses_a_broken_one(self) -> None:
        assert configuration_problems(Settings(env="development")) == []
        assert configuration_problems(Settings(env="development", secret_key="nope")) != []
