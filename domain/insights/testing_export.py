"""Test investment as CSV: one line per service x component x escaped layer, the suggestions'
rank beside them (RFC 4180: a header row, CRLF, quoted as needed; cells a spreadsheet would run
as a formula are prefixed with a quote)."""

from __future__ import annotations

import csv
import io
from typing import Any

from domain.insights.testing_queries import InvestmentReport
from domain.postrelease.defect_backlog import FORMULA_START

COLUMNS = (
    "rank",
    "service",
    "component",
    "escaped_layer",
    "classification",
    "defects",
    "weighted_defects",
    "production_deployments",
    "defects_per_100_deployments",
    "suites",
    "runs",
    "latest_coverage_percent",
    "median_coverage_percent",
    "unmapped_suites",
    "score",
    "reason",
    "defect_ids",
    "evidence_ids",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        value = " ".join(str(v) for v in value)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def investment_csv(report: InvestmentReport) -> str:
    """The table, suggestions first by rank, then the other rows as the table orders them."""
    rank = {(r.service_id, r.component, r.layer): i for i, r in enumerate(report.suggestions, 1)}
    order = sorted(
        report.rows,
        key=lambda r: rank.get((r.service_id, r.component, r.layer), len(rank) + 1),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for r in order:
        ev = r.evidence
        values = (
            rank.get((r.service_id, r.component, r.layer)),
            report.service_keys.get(r.service_id, str(r.service_id)),
            r.component,
            r.layer,
            r.classification.value,
            len(r.defect_ids),
            r.weighted_defects,
            r.deployments,
            r.defects_per_100_deployments,
            ev.suites,
            len(ev.run_ids),
            ev.latest_coverage,
            ev.median_coverage,
            report.unmapped_suites.get(r.service_id, ()),
            r.score,
            r.reason,
            r.defect_ids,
            ev.run_ids,
        )
        writer.writerow([_cell(v) for v in values])
    return out.getvalue()
