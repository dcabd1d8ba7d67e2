"""Every file the server keeps in its data directory is its owner's alone (issue 14).

The SQLite database (and its WAL), the local token-signing key, the sealing key, the CDEvents
webhook key and the audit checkpoint key and log are created 0600, the data directory 0700,
whatever the umask: a copy readable by another local user would hand out every sealed secret.
SQLite-only by nature (PostgreSQL keeps its files itself); the keys are the same on both.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.audit_checkpoints import CheckpointLog, key_path, load_signer, log_path
from api.endpoints.cdevents import KEY_FILE as CDEVENTS_KEY
from api.endpoints.cdevents import webhook_master_key
from api.outbox_delivery import sealer_for
from authz.local_issuer import KEY_FILE_NAME as LOCAL_KEY
from domain.kernel.db import ensure_sqlite_directory
from domain.kernel.sealed import KEY_FILE_NAME
from tests.api.conftest import settings_for


@contextmanager
def permissive_umask() -> Iterator[None]:
    """The common default (files 0644, folders 0755), so only explicit modes protect."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    """Every file and folder under root (root included) and its permission bits."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


class TestTheDataDirectoryIsPrivate:
    async def test_a_new_server_creates_its_database_and_keys_for_its_owner_only(
        self, tmp_path: Path
    ) -> None:
        data_dir = tmp_path / "data"
        settings = settings_for(sqlite_url(data_dir / "signalbox.db"), data_dir, auto_migrate=True)
        with permissive_umask():
            app = create_app(settings)
            async with (
                LifespanManager(app) as manager,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=manager.app), base_url="http://127.0.0.1"
                ) as http,
            ):
                assert (await http.get("/readyz")).status_code == 200
                # The keys made on first use: sealing, CDEvents webhooks, audit checkpoints.
                sealer_for(settings)
                webhook_master_key(app.state.runtime)
                load_signer(settings)
                async with CheckpointLog(log_path(settings)).locked():
                    pass
                found = modes(data_dir)
        assert {
            ".",
            "signalbox.db",
            "signalbox.db-wal",
            KEY_FILE_NAME,
            LOCAL_KEY,
            CDEVENTS_KEY,
            key_path(settings).name,
            log_path(settings).name,
        } <= set(found)
        loose = {
            name: oct(mode)
            for name, mode in found.items()
            if mode & 0o077 or mode != (0o700 if (data_dir / name).is_dir() else 0o600)
        }
        assert loose == {}

    def test_an_existing_database_readable_by_others_is_restricted(self, tmp_path: Path) -> None:
        database = tmp_path / "old.db"
        for suffix in ("", "-wal", "-shm"):
            path = tmp_path / f"old.db{suffix}"
            path.write_bytes(b"")
            path.chmod(0o644)
        ensure_sqlite_directory(sqlite_url(database))
        assert {name: oct(mode) for name, mode in modes(tmp_path).items() if name != "."} == {
            "old.db": "0o600",
            "old.db-wal": "0o600",
            "old.db-shm": "0o600",
        }

    def test_a_folder_that_exists_is_left_as_it_is(self, tmp_path: Path) -> None:
        # A mounted volume's folder is the operator's; only what the server creates is set.
        tmp_path.chmod(0o755)
        with permissive_umask():
            ensure_sqlite_directory(sqlite_url(tmp_path / "nested" / "x.db"))
        assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
        assert stat.S_IMODE((tmp_path / "nested").stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "nested" / "x.db").stat().st_mode) == 0o600
