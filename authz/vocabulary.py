"""Roles, approval disciplines and the rules for who may hand out which role.

Resources and actions belong to the domain (`domain.kernel.access`) so use cases can name
what they need; they are re-exported here so `authz` reads as one vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

from domain.kernel.access import ORG_SCOPE, Action, Resource

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


class Role(StrEnum):
    ORG_ADMIN = "org_admin"
    BU_ADMIN = "bu_admin"
    RELEASE_MANAGER = "release_manager"
    ENGINEER = "engineer"
    APPROVER = "approver"
    SRE = "sre"
    AUDITOR = "auditor"
    VIEWER = "viewer"
    CI = "ci"


class Discipline(StrEnum):
    """The board an approver sits on; carried by an approver's role grant."""

    ENGINEERING = "engineering"
    PRODUCT = "product"
    SECURITY = "security"
    COMPLIANCE = "compliance"
    LEGAL = "legal"


ROLE_RANK: Mapping[Role, int] = MappingProxyType(
    {
        Role.ORG_ADMIN: 100,
        # The auditor changes nothing but reads everything everywhere, the audit trail and
        # evidence export included: a reach wider than any BU admin's. Ranking it just below
        # the org admin keeps a BU admin from minting one even if ORG_ONLY_ROLES were bypassed.
        Role.AUDITOR: 90,
        Role.BU_ADMIN: 80,
        Role.RELEASE_MANAGER: 60,
        Role.SRE: 40,
        Role.APPROVER: 40,
        Role.ENGINEER: 40,
        Role.CI: 20,
        Role.VIEWER: 10,
    }
)
"""How far a role reaches, for "nobody grants a role above their own" (equal rank is fine)."""

ORG_ONLY_ROLES: frozenset[Role] = frozenset({Role.ORG_ADMIN, Role.AUDITOR})
"""Roles a person only ever holds at org scope (`*`).

API token scopes are exempt: an org auditor may narrow a token to `auditor` in one BU.
"""


def rank(role: str) -> int:
    """The rank of a role; unknown roles rank below every known one."""
    try:
        return ROLE_RANK[Role(role)]
    except ValueError:
        return -1


def grant_refusal(granter_roles: Iterable[str], role: str, domain: str) -> str | None:
    """Why a person holding `granter_roles` may not grant `role` at `domain`, or None if they may.

    `granter_roles` are the granter's roles where the grant lands (org grants included), as
    `Authorizer.roles` reports them. This is the rank rule only; the permission to grant at
    all is `role_grant:grant`, checked by the use case through the authorizer.
    """
    try:
        wanted = Role(role)
    except ValueError:
        return f"{role!r} is not a role."
    if wanted in ORG_ONLY_ROLES and domain != ORG_SCOPE:
        return f"{wanted} is only granted for the whole organization."
    own = max((rank(r) for r in granter_roles), default=-1)
    if own < ROLE_RANK[wanted]:
        return f"Nobody grants a role above their own; {wanted} is above yours."
    return None
