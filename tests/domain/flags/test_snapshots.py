"""Snapshots, pure: values served in their flag's type, and which environments are known."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from domain.flags.rules import Variant, check_variants, typed_value
from domain.flags.snapshots import build_snapshot
from domain.flags.vocabulary import ValueType


def row(value_type: str, values: list[Any], *, stated: bool = True) -> SimpleNamespace:
    """A live flag row as `repository.snapshot_rows` returns it, enabled without rules."""
    return SimpleNamespace(
        id=uuid.uuid4(),
        bu_id=uuid.uuid4(),
        key=f"flag-{uuid.uuid4().hex[:8]}",
        service_key="svc",
        kind="ops",
        value_type=value_type,
        variants=[{"key": f"v{i}", "value": v} for i, v in enumerate(values)],
        default_variant="v0",
        off_variant=f"v{len(values) - 1}",
        state_id=uuid.uuid4() if stated else None,
        enabled=True,
        dark_launch=False,
        dark_launch_segment=None,
        rules=[],
        default_serve=None,
    )


class TestTypedValues:
    @pytest.mark.parametrize(
        ("value_type", "stored", "served"),
        [("number", 5, 5.0), ("number", 2.5, 2.5), ("integer", 5, 5), ("boolean", True, True),
         ("object", {"rows": 5}, {"rows": 5}), ("string", "5", "5")],
    )  # fmt: skip
    def test_a_number_is_always_a_float_and_nothing_else_changes(
        self, value_type: str, stored: Any, served: Any
    ) -> None:
        got = typed_value(value_type, stored)
        assert got == served and type(got) is type(served)

    def test_number_variants_are_stored_as_floats(self) -> None:
        variants, _, _ = check_variants(
            ValueType.NUMBER, [Variant("a", 5), Variant("b", 1)], None, None
        )
        assert [type(v.value) for v in variants] == [float, float]

    def test_a_snapshot_serves_an_old_whole_number_of_a_number_flag_as_a_float(self) -> None:
        number, integer = row("number", [5, 0]), row("integer", [5, 0])
        snapshot = build_snapshot("prod", 1, [number, integer], [])
        assert type(snapshot.flags[number.key].compiled.default.first.value) is float
        assert type(snapshot.flags[integer.key].compiled.default.first.value) is int


class TestKnownEnvironments:
    def test_named_by_a_flag_state_or_catalogued_else_unknown(self) -> None:
        stated, unstated = (
            row("boolean", [True, False]),
            row("boolean", [True, False], stated=False),
        )
        assert build_snapshot("prod", 1, [stated, unstated], []).known
        typo = build_snapshot("typo", 1, [unstated], [])
        assert not typo.known and typo.flags == {}
        assert build_snapshot("new", 1, [unstated], [], catalogued=True).known
        assert not build_snapshot("empty", 1, [], []).known
