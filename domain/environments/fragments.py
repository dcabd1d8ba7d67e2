"""The environments' published query fragments: for a context above that must scope or label its
rows by environment in the same statement (deployments in the environment keyed K).

Each fragment is a subquery whose columns are named in its docstring: the columns are the
interface, the tables stay the environments context's (docs/architecture.md).
"""

from __future__ import annotations

from sqlalchemy import Subquery, select

from domain.environments.models import Environment


def environment_rows() -> Subquery:
    """Environments: id, key, kind, bu_id (None for an org-wide one), product_domain, status."""
    return select(
        Environment.id,
        Environment.key,
        Environment.kind,
        Environment.bu_id,
        Environment.product_domain,
        Environment.status,
    ).subquery()
