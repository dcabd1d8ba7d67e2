"""Reads of the change ledger: a page of entries, the CSV of a period, scoped by the BUs where
the caller may read (or export) the ledger; outside that scope reads as absent."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from domain.insights import ledger_repository as repo
from domain.insights.ledger_repository import LedgerFilter
from domain.insights.ledger_rules import split
from domain.kernel.access import Action, Resource
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id, scoped_page
from domain.postrelease.defect_backlog import FORMULA_START

__all__ = ["LedgerFilter", "entries_by_id", "export_rows", "ledger", "ledger_csv"]

ledger = scoped_page(Resource.CHANGE_LEDGER, repo.entries_page)
"""Entries you may read meeting a filter, newest first."""

entries_by_id = readable_by_id(Resource.CHANGE_LEDGER, repo.entries_by_ids)

COLUMNS = (
    "id",
    "kind",
    "at",
    "bu_id",
    "team_id",
    "service_id",
    "tier",
    "strategy",
    "artifact_version",
    "release_id",
    "change_types",
    "risk_level",
    "bypassed",
    "first_commit_at",
    "commit_count",
    "pr_opened_at",
    "first_review_at",
    "approved_at",
    "merged_at",
    "rolled_back",
    "incident_count",
    "hotfixed",
    "imported",
    "outcome",
    "summary",
)


async def export_rows(r: Reader, f: LedgerFilter) -> list[Any]:
    """The entries meeting `f` in the BUs where the caller may export the ledger, earliest
    first (none anywhere: an empty list, no statement)."""
    scope = r.authorizer.scope(r.actor, Action.EXPORT, Resource.CHANGE_LEDGER)
    if scope.empty:
        return []
    return await repo.entries(r.session, scope, f)


def _cell(value: Any, name: str) -> str:
    if value is None:
        return ""
    if name == "change_types":
        return " ".join(split(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def ledger_csv(rows: Sequence[Any]) -> str:
    """The entries as CSV (RFC 4180: a header row, CRLF, quoted as needed; cells a spreadsheet
    would run as a formula are prefixed with a quote)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([_cell(getattr(r, c), c) for c in COLUMNS])
    return out.getvalue()
