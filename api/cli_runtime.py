"""Running a CLI command against the database: settings checked as a server checks them, a
runtime prepared without a server's background work, every pool closed at the end."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from api.settings import Settings

T = TypeVar("T")


def load_settings() -> Settings:
    """The settings, refused as a server refuses them (imported late: `--help` stays quick)."""
    from api.startup import load_settings as checked

    return checked()


def with_runtime(fn: Callable[..., Awaitable[T]], *args: object) -> T:
    """Run `fn` with a prepared runtime (schema migrated when SIGNALBOX_AUTO_MIGRATE, grants
    loaded) and none of a server's background work, then close every pool."""
    settings = load_settings()
    from api.composition import build_runtime

    async def main() -> T:
        runtime = build_runtime(settings)
        try:
            await runtime.prepare()
            return await fn(runtime, *args)
        finally:
            await runtime.stop()

    return asyncio.run(main())
