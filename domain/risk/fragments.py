"""Risk's published query fragments: for a view above that must filter releases by their risk in
its own statement (the release search), where reading every assessment first would cost a
statement per page and lose the database's paging.

Each fragment's columns are named in its docstring: they are the interface, the tables stay
risk's (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, select

from domain.risk.models import RiskAssessment

ASSESSMENT = RiskAssessment.__table__


def latest_level(release_id: ColumnElement[Any]) -> ScalarSelect[Any]:
    """The level of the latest assessment (by assessed_at, then id) of the release whose id is
    `release_id` (a column of the outer statement), null when it was never assessed. Correlated,
    one index probe per release (ix_risk_assessments_release_id_assessed_at)."""
    return (
        select(ASSESSMENT.c.level)
        .where(ASSESSMENT.c.release_id == release_id)
        .order_by(ASSESSMENT.c.assessed_at.desc(), ASSESSMENT.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
