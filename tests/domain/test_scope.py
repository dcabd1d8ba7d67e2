"""Scopes combine: where either reaches (|) and where both reach (&)."""

from __future__ import annotations

import uuid

from domain.kernel.access import Scope

A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
EVERYWHERE = Scope(True)


class TestWhereBothReach:
    def test_everywhere_leaves_the_other(self) -> None:
        some = Scope(False, frozenset({A, B}))
        assert EVERYWHERE & some == some
        assert some & EVERYWHERE == some
        assert (EVERYWHERE & EVERYWHERE).everywhere

    def test_two_lists_of_bus_keep_the_common_ones(self) -> None:
        both = Scope(False, frozenset({A, B})) & Scope(False, frozenset({B, C}))
        assert both == Scope(False, frozenset({B}))
        assert (Scope(False, frozenset({A})) & Scope(False, frozenset({C}))).empty

    def test_either_reaches_the_union(self) -> None:
        either = Scope(False, frozenset({A})) | Scope(False, frozenset({C}))
        assert either.allows(A) and either.allows(C) and not either.allows(B)
