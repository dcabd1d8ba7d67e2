"""Pure rules of the organization: names, keys, regions, and who may grant which role."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from domain.kernel.errors import DomainError
from domain.kernel.rules import choice as choice  # one rule for every context
from domain.kernel.rules import matching, trimmed
from domain.organization.errors import OrganizationErrorCode as Code
from domain.organization.vocabulary import Discipline, Role

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,62}[a-z0-9]$")
REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z0-9]+){1,3}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
USERNAME_CLEAN = re.compile(r"[^a-z0-9._-]+")


# Higher may grant lower or equal; nobody grants a role above their own.
ROLE_RANK: dict[Role, int] = {
    Role.ORG_ADMIN: 100,
    Role.AUDITOR: 90,
    Role.BU_ADMIN: 80,
    Role.RELEASE_MANAGER: 60,
    Role.SRE: 50,
    Role.APPROVER: 50,
    Role.ENGINEER: 40,
    Role.CI: 30,
    Role.VIEWER: 10,
}
ORG_ONLY_ROLES = frozenset({Role.ORG_ADMIN, Role.AUDITOR})
"""Roles a person only ever holds at org scope; the auditor reads every BU and the trail."""


def rank(role: str) -> int:
    """The rank of a role; anything that is not a role ranks below every role."""
    try:
        return ROLE_RANK[Role(role)]
    except ValueError:
        return -1


MAX_TOKEN_TTL = timedelta(days=366)


def check_key(key: str, field: str = "key") -> str:
    """A key is a lowercase slug: letters, digits, dashes; 3 to 64 characters."""
    if not KEY_PATTERN.match(key):
        raise DomainError(
            f"'{key}' is not a valid key: use 3-64 lowercase letters, digits and dashes, "
            "starting with a letter.",
            code=Code.INVALID_KEY,
            field=field,
        )
    return key


def check_name(name: str, field: str = "name") -> str:
    message = "A name needs 1 to 200 characters."
    return trimmed(name, 1, 200, message, code=Code.INVALID_NAME, field=field)


def check_email(email: str, field: str = "contactEmail") -> str:
    email = email.strip()
    if len(email) > 320 or not EMAIL_PATTERN.match(email):
        raise DomainError(
            f"'{email}' is not an e-mail address.", code=Code.INVALID_EMAIL, field=field
        )
    return email


def check_username(username: str) -> str:
    message = f"'{username}' is not a valid username."
    return matching(
        username, USERNAME_PATTERN.match, message, code=Code.INVALID_KEY, field="username"
    )


def check_subject(subject: str) -> str:
    """The identity provider's name for a person: printable, no spaces, at most 256 characters."""
    if (
        not 0 < len(subject) <= 256
        or not subject.isprintable()
        or any(c.isspace() for c in subject)
    ):
        raise DomainError(
            f"'{subject}' is not a subject (the identity provider's id of the person).",
            code=Code.INVALID_KEY,
            field="subject",
        )
    return subject


def check_regions(regions: Iterable[str]) -> list[str]:
    """Regions look like cloud regions (eu-west-1, us-east); kept unique and sorted."""
    out = sorted({r.strip().lower() for r in regions})
    for region in out:
        if not REGION_PATTERN.match(region):
            raise DomainError(
                f"'{region}' is not a region name such as eu-west-1.",
                code=Code.INVALID_REGION,
                field="regions",
            )
    return out


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise DomainError(
            f"'{value}' is not a role.", code=Code.UNKNOWN_ROLE, field="role"
        ) from None


def check_grant(
    *,
    role: Role,
    discipline: Discipline | None,
    org_scope: bool,
    grantor_roles: Iterable[str],
    grantor_is_grantee: bool,
) -> None:
    """May a grantor holding `grantor_roles` (where the grant applies) give this role?"""
    if grantor_is_grantee:
        raise DomainError("Nobody grants a role to themselves.", code=Code.SELF_GRANT)
    if role is Role.APPROVER and discipline is None:
        raise DomainError(
            "An approver grant names a discipline.",
            code=Code.DISCIPLINE_REQUIRED,
            field="discipline",
        )
    if role is not Role.APPROVER and discipline is not None:
        raise DomainError(
            "Only approver grants carry a discipline.",
            code=Code.DISCIPLINE_NOT_ALLOWED,
            field="discipline",
        )
    if role in ORG_ONLY_ROLES and not org_scope:
        raise DomainError(
            f"{role} is granted for the whole organization only.",
            code=Code.ROLE_ORG_ONLY,
            field="buId",
        )
    own = max(
        (ROLE_RANK.get(Role(r), 0) for r in grantor_roles if r in Role.__members__.values()),
        default=0,
    )
    if ROLE_RANK[role] > own:
        raise DomainError(
            f"You cannot grant {role}: it is above your own role.",
            code=Code.ROLE_ABOVE_YOUR_OWN,
            field="role",
        )


def token_expiry(now: datetime, ttl: timedelta | None) -> datetime:
    """API tokens always expire; at most a year and a day after creation."""
    ttl = ttl or timedelta(days=90)
    if ttl <= timedelta(0) or ttl > MAX_TOKEN_TTL:
        raise DomainError(
            "A token lives between one second and 366 days.",
            code=Code.TOKEN_TTL_INVALID,
            field="ttlSeconds",
        )
    return now + ttl


def check_token_scope(
    requested: Iterable[tuple[str, str]], held: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """A token's (role, domain) pairs stay within its creator's grants: in each domain the
    creator holds (or holds org-wide) a role ranked at least as high as the token's role.
    An auditor's read-everything grant is no ceiling for any other role."""
    held_list = list(held)
    out = []
    for role_name, domain in requested:
        role = parse_role(role_name)
        if role in ORG_ONLY_ROLES and domain != "*":
            raise DomainError(
                f"{role} is held org-wide only.", code=Code.ROLE_ORG_ONLY, field="scopes"
            )
        ceiling = max(
            (
                ROLE_RANK[Role(h)]
                for h, d in held_list
                if d in (domain, "*") and h in ROLE_RANK and (h == role or h != Role.AUDITOR)
            ),
            default=-1,
        )
        if ceiling < ROLE_RANK[role]:
            raise DomainError(
                f"You cannot give a token {role} in a scope where you do not hold it.",
                code=Code.TOKEN_SCOPE_TOO_WIDE,
                field="scopes",
            )
        out.append((str(role), domain))
    if not out:
        raise DomainError(
            "A token needs at least one scope.", code=Code.TOKEN_SCOPE_TOO_WIDE, field="scopes"
        )
    return sorted(set(out))
