"""Flags fixtures; unsupported Unleash specification cases are deselected (never skipped)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from tests.domain.flags.test_unleash_spec import is_unsupported

    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        unsupported = "test_unleash_spec" in item.nodeid and is_unsupported(case)
        (drop if unsupported else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


from tests.domain.calendar.conftest import World, world  # noqa: E402,F401 - shared fixtures
