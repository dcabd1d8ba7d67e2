"""A random key kept in the data directory, created once (0600) for processes sharing it: the
fallback outside production when no key is configured (CDEvents webhooks, notice links)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def key_file(data_dir: Path, name: str) -> bytes:
    """The key in `data_dir/name`, created (0600, exactly once) when there is none yet."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_hex(32).encode())
    return path.read_bytes().strip()
