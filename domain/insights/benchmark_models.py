"""Indexes team benchmarks add to the change ledger's tables: a benchmark ranks every team of
the organization over a period, so it reads the ledger by time alone, across all BUs."""

from __future__ import annotations

from sqlalchemy import Index

from domain.insights.ledger_models import LedgerEntry, LedgerIncident

ENTRY_AT = Index("ix_change_ledger_at", LedgerEntry.at)
INCIDENT_CREATED_AT = Index("ix_change_ledger_incidents_created_at", LedgerIncident.created_at)
