"""Secrets kept sealed at rest (Fernet: AES-128-CBC with HMAC-SHA256, authenticated).

Some secrets must be usable again later, not just checked: a webhook subscription's signing
secret signs every delivery. Those are stored sealed under a key that lives outside the database
(`SIGNALBOX_SECRET_KEY`), so a copy of the database alone reveals none of them.

The setting holds one or more Fernet keys separated by commas: the first seals, all of them
unseal, so a key can be rotated by putting the new one first and re-sealing at leisure. Without
the setting, outside production, a key is created once in the data directory (like the local
token signing key) and reused by every process that shares that directory. Keys and secrets are
never logged.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_FILE_NAME = "secret-key.fernet"
PARTIAL_FILE_WAIT_SECONDS = 2.0


class SealError(Exception):
    """A sealed value cannot be opened (another key, or tampered), or no key is configured."""


class Sealer:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise SealError("at least one Fernet key is needed")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except (ValueError, TypeError):
            raise SealError("a secret key is not a Fernet key (32 url-safe base64 bytes)") from None

    @classmethod
    def from_setting(cls, value: str) -> Sealer:
        """Keys from the setting: comma-separated, the first one seals."""
        return cls([part.strip().encode() for part in value.split(",") if part.strip()])

    @classmethod
    def load_or_create(cls, data_dir: Path) -> Sealer:
        """The key kept in data_dir, created (0600, exactly once) when there is none yet."""
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = data_dir / KEY_FILE_NAME
        if not path.exists():
            _create_key_file(path)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise SealError(f"{path} is readable by other users; restrict it with chmod 600")
        deadline = time.monotonic() + PARTIAL_FILE_WAIT_SECONDS
        key = path.read_bytes().strip()
        while not key and time.monotonic() < deadline:
            time.sleep(0.05)  # another process created the file and is still writing it
            key = path.read_bytes().strip()
        return cls([key])

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def unseal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise SealError("the sealed value does not open with the configured keys") from None


def _create_key_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process won the race; its key is the key
    with os.fdopen(fd, "wb") as handle:
        handle.write(Fernet.generate_key())
        handle.flush()
        with contextlib.suppress(OSError):
            os.fsync(handle.fileno())
