"""Team benchmarks as a table for spreadsheets: one row per team placed in a cohort (RFC 4180
CSV, UTF-8), each figure with its rank, peers and percentile; durations in seconds, shares 0 to
1, empty where the team has none. Teams of BUs the caller may not read stay anonymised."""

from __future__ import annotations

import csv
import io

from domain.insights.benchmark_queries import BenchmarkedTeam, BenchmarkView
from domain.insights.benchmark_vocabulary import BenchmarkMetric
from domain.postrelease.defect_backlog import FORMULA_START

HEADER = (
    "cohort",
    "cohort_note",
    "team",
    "team_key",
    "anonymised",
    "tier",
    "size_band",
    "engineers",
    "deployments",
    "composite",
    *(
        f"{m.value}_{part}"
        for m in BenchmarkMetric
        for part in ("value", "rank", "of", "percentile")
    ),
    "automation_share",
    "window_share",
    "canary_share",
    "blue_green_share",
    "gates",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _row(cohort: str, note: str | None, t: BenchmarkedTeam) -> list[str]:
    s, p = t.standing, t.standing.practices
    figures = [
        _cell(v) for pos in s.positions for v in (pos.value, pos.rank, pos.of, pos.percentile)
    ]
    return [
        _cell(cohort),
        _cell(note),
        _cell(t.label),
        _cell(None if t.team is None else t.team.key),
        "true" if t.team is None else "false",
        s.tier,
        s.size_band.value,
        _cell(s.engineers),
        _cell(s.deployments),
        _cell(s.composite),
        *figures,
        _cell(p.automation_share),
        _cell(p.window_share),
        _cell(p.strategy_shares.get("canary")),
        _cell(p.strategy_shares.get("blue_green")),
        " ".join(sorted(p.gates)),
    ]


def benchmarks_csv(view: BenchmarkView) -> str:
    """Every cohort's teams, best first, as CSV rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for c in view.cohorts:
        for t in c.teams:
            writer.writerow(_row(c.cohort.key, c.cohort.note, t))
    return out.getvalue()
