"""A value-stream summary as a table for spreadsheets: one row per step (RFC 4180 CSV, UTF-8),
durations in seconds, empty where no change had the step."""

from __future__ import annotations

import csv
import io

from domain.insights.stream_rules import WAIT_ORDER, StepSummary, StreamSummary

HEADER = (
    "step",
    "changes",
    "no_data",
    "work_median_seconds",
    "work_p75_seconds",
    "wait_median_seconds",
    "wait_p75_seconds",
    *(f"wait_{k.value}_seconds" for k in WAIT_ORDER),
    "slowest_rank",
)


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _row(s: StepSummary, rank: int | None) -> list[str]:
    waited = dict(s.wait_by_kind)
    return [
        s.step.value,
        str(s.changes),
        str(s.no_data),
        _cell(s.work_median),
        _cell(s.work_p75),
        _cell(s.wait_median),
        _cell(s.wait_p75),
        *(_cell(waited.get(k, 0.0) if s.changes else None) for k in WAIT_ORDER),
        "" if rank is None else str(rank),
    ]


def summary_csv(summary: StreamSummary) -> str:
    """The summary's steps as CSV rows, in the order of the way to production."""
    rank = {step: i + 1 for i, step in enumerate(summary.slowest)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for s in summary.steps:
        writer.writerow(_row(s, rank.get(s.step)))
    return out.getvalue()
