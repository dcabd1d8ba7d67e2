"""The organization's published query fragments: for a context above that must scope or label
its rows by the organization in the same statement (a page of flags scoped by their service's
BU, feeds labelled with their owner's name), where a batched facts read would cost a statement
per page or lose the database's ordering and filtering.

Each fragment is a subquery whose columns are named in its docstring, or a select: the columns
are the interface, the tables stay the organization's (docs/architecture.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import BindParameter, Select, Subquery, select

from domain.organization.facts import SERVICE_FACTS
from domain.organization.models import BusinessUnit, Person, Service, ServiceDependency, Team


def business_unit_rows() -> Subquery:
    """Business units: id, key, name."""
    return select(BusinessUnit.id, BusinessUnit.key, BusinessUnit.name).subquery()


def team_rows() -> Subquery:
    """Teams: id, bu_id, key, name."""
    return select(Team.id, Team.bu_id, Team.key, Team.name).subquery()


def service_rows() -> Subquery:
    """Services as their nodes show them: id, key, name, bu_id, team_id, tier,
    data_classification, regions, version, created_at, updated_at."""
    return select(
        *SERVICE_FACTS,
        Service.regions,
        Service.version,
        Service.created_at,
        Service.updated_at,
    ).subquery()


def person_rows() -> Subquery:
    """People as their nodes show them (never the identity provider's subject): id, username,
    display_name, email, kind, active, version, created_at, updated_at."""
    return select(
        Person.id,
        Person.username,
        Person.display_name,
        Person.email,
        Person.kind,
        Person.active,
        Person.version,
        Person.created_at,
        Person.updated_at,
    ).subquery()


def dependency_rows() -> Subquery:
    """Dependency edges between services: consumer_id, provider_id, created_at."""
    return select(
        ServiceDependency.consumer_id, ServiceDependency.provider_id, ServiceDependency.created_at
    ).subquery()


def consumers_at_any_distance(
    service_ids: Collection[uuid.UUID] | BindParameter[Any],
) -> Select[Any]:
    """(root, service_id, key, tier): every service depending on one of `service_ids` (the
    root), directly or through others (one recursive statement); an expanding bind parameter
    for them builds the statement once for every reading."""
    dep = ServiceDependency.__table__
    base = (
        select(dep.c.provider_id.label("root"), dep.c.consumer_id.label("service_id"))
        .where(dep.c.provider_id.in_(service_ids))
        .cte("consumers", recursive=True)
    )
    step = select(base.c.root, dep.c.consumer_id).join(base, dep.c.provider_id == base.c.service_id)
    tree = base.union(step)
    return select(tree.c.root, tree.c.service_id, Service.key, Service.tier).join(
        Service, Service.id == tree.c.service_id
    )
