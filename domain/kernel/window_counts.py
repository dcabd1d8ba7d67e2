"""Counting a table's rows in many (BU, time window) pairs in one statement: one conditional
sum per window, over the rows any of them may count. For facts modules that publish counts
over periods (insights' before-and-after figures)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func

BuWindow = tuple[uuid.UUID, datetime, datetime]
"""A BU and the [start, end) to count in."""


def window_sums(bu: Any, at: Any, windows: Sequence[BuWindow], extra: Any = True) -> list[Any]:
    """One count column per window: the rows of its BU with `at` in it (and `extra`)."""
    return [
        func.coalesce(func.sum(case((and_(bu == b, at >= s, at < e, extra), 1), else_=0)), 0)
        for b, s, e in windows
    ]


def within(bu: Any, at: Any, windows: Sequence[BuWindow]) -> list[Any]:
    """The rows any window may count: of its BUs, between the earliest start and latest end
    (so the BU's index on the time column leads)."""
    return [
        bu.in_(sorted({b for b, _, _ in windows}, key=str)),
        at >= min(s for _, s, _ in windows),
        at < max(e for _, _, e in windows),
    ]
