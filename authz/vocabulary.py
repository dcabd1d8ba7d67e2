"""The vocabulary of authorization: roles, disciplines, resources and actions.

All of it belongs to the domain (roles and their ranks to the organization, resources and
actions to the kernel) so use cases can name what they need; `authz` re-exports it so it reads
as one vocabulary, and never keeps a second copy.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.kernel.access import ORG_SCOPE, Action, Resource
from domain.kernel.errors import DomainError
from domain.organization.rules import ORG_ONLY_ROLES, ROLE_RANK, check_grant, parse_role, rank
from domain.organization.vocabulary import Discipline, Role

__all__ = [
    "ORG_ONLY_ROLES",
    "ORG_SCOPE",
    "ROLE_RANK",
    "Action",
    "Discipline",
    "Resource",
    "Role",
    "grant_refusal",
    "rank",
]


def grant_refusal(granter_roles: Iterable[str], role: str, domain: str) -> str | None:
    """Why `granter_roles` may not grant `role` at `domain` (the domain's rule), or None."""
    try:
        check_grant(
            role=parse_role(role),
            discipline=Discipline.ENGINEERING if role == Role.APPROVER else None,
            org_scope=domain == ORG_SCOPE,
            grantor_roles=granter_roles,
            grantor_is_grantee=False,
        )
    except DomainError as refusal:
        return refusal.message
    return None
