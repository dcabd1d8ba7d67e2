"""The Casbin authorizer: RBAC with domains (a BU is a domain), answered from an index.

Casbin is the source of truth for the policy: `model.conf` and `policy.csv` are loaded
through a Casbin enforcer, and the permission index is read from the policy Casbin parsed.
Casbin's own `enforce` evaluates the matcher against every policy row and walks its role
manager on each call (about a millisecond here), so checks are answered from two maps
instead:

- per permission (resource, action): the roles that hold it, narrowest first;
- per subject: the roles it holds in each domain (a BU's UUID, or `*` for the org scope).

A check is then a few dictionary look-ups. At construction the model's domain semantics
(an org grant applies in every BU, a BU grant only in that BU) are confirmed against
Casbin's `enforce`, and the tests compare the index with `enforce` on random grant sets.

Grant changes may come from a background task or another thread while requests check:
each subject's map is immutable once published and replaced whole under a lock, so a
reader sees either the old or the new grants of a subject, never half of a change.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final

import casbin

from authz.vocabulary import Action, Resource, Role, rank
from domain.kernel.access import ORG_SCOPE, SYSTEM_ACTOR, Actor, Scope, domain_of

MODEL_PATH: Final = Path(__file__).with_name("model.conf")
POLICY_PATH: Final = Path(__file__).with_name("policy.csv")

Grant = tuple[str, str, str]
"""(subject, role, domain): `person:<uuid>` or `token:<uuid>`, a Role, a BU UUID or `*`."""

SYSTEM_GRANTS: Final[tuple[Grant, ...]] = ((SYSTEM_ACTOR.subject, Role.ORG_ADMIN, ORG_SCOPE),)
"""Background work (sweeps, outbox, migrations) acts as `system`, an org admin by design."""

_RolesByDomain = Mapping[str, frozenset[str]]
_NOTHING: Final[frozenset[str]] = frozenset()
_ROLE_NAMES: Final = frozenset(Role)
_ROLE_BY_NAME: Final[dict[str, str]] = {role.value: role.value for role in Role}


class PolicyError(ValueError):
    """model.conf or policy.csv says something the vocabulary or the index cannot honour."""


def rule_text(subject: str, role: str, domain: str, resource: str, action: str) -> str:
    """How one subject's permission reads in the audit trail."""
    return f"g({subject}, {role}, {domain}) ∧ p({role}, {resource}, {action})"


class CasbinAuthorizer:
    """Implements `domain.kernel.access.Authorizer`, plus grant administration."""

    def __init__(
        self,
        model_path: Path | str = MODEL_PATH,
        policy_path: Path | str = POLICY_PATH,
        *,
        builtin_grants: Iterable[Grant] = SYSTEM_GRANTS,
    ) -> None:
        self._model_path = str(model_path)
        self._policy_path = str(policy_path)
        self._by_permission = dict(_compile_policy(self._model_path, self._policy_path))
        self._allowed_sets: dict[tuple[str, str], frozenset[str]] = {
            key: frozenset(roles) for key, roles in self._by_permission.items()
        }
        self._lock = threading.Lock()
        self._builtin: dict[str, dict[str, frozenset[str]]] = {}
        for subject, role, domain in builtin_grants:
            _add(self._builtin, *_validated(subject, role, domain, reserved=frozenset()))
        self._reserved = frozenset(self._builtin)
        self._grants: dict[str, _RolesByDomain] = dict(self._builtin)

    # -- the kernel Authorizer protocol --------------------------------------------------

    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        """The rule that allows it (for the audit trail), or None when denied.

        Every subject of the actor has to allow it (a token never exceeds its person); the
        rule names, for each, the grant and the policy row that did.
        """
        allowed = self._by_permission.get((resource, action))
        if not allowed or not actor.subjects:
            return None
        domain = domain_of(bu_id)
        grants = self._grants
        parts: list[str] = []
        for subject in actor.subjects:
            held = grants.get(subject)
            if held is None:
                return None
            hit = _first_allowing(held, domain, allowed)
            if hit is None:
                return None
            role, where = hit
            parts.append(rule_text(subject, role, where, resource, action))
        return parts[0] if len(parts) == 1 else " ∧ ".join(parts)

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        """Every BU in which the actor may do this; `everywhere` when all subjects may at `*`."""
        allowed = self._allowed_sets.get((resource, action))
        if not allowed or not actor.subjects:
            return Scope(everywhere=False)
        grants = self._grants
        bu_ids: set[uuid.UUID] | None = None  # None: not narrowed yet (everywhere so far)
        for subject in actor.subjects:
            held = grants.get(subject)
            if held is None:
                return Scope(everywhere=False)
            if not allowed.isdisjoint(held.get(ORG_SCOPE, _NOTHING)):
                continue
            here = {
                uuid.UUID(domain)
                for domain, roles in held.items()
                if domain != ORG_SCOPE and not allowed.isdisjoint(roles)
            }
            bu_ids = here if bu_ids is None else bu_ids & here
            if not bu_ids:
                return Scope(everywhere=False)
        if bu_ids is None:
            return Scope(everywhere=True)
        return Scope(everywhere=False, bu_ids=frozenset(bu_ids))

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        """The roles every subject of the actor holds in a BU (org grants included)."""
        if not actor.subjects:
            return _NOTHING
        domain = domain_of(bu_id)
        grants = self._grants
        common: frozenset[str] | None = None
        for subject in actor.subjects:
            held = grants.get(subject)
            if held is None:
                return _NOTHING
            mine = held.get(ORG_SCOPE, _NOTHING)
            if domain != ORG_SCOPE:
                mine = mine | held.get(domain, _NOTHING)
            common = mine if common is None else common & mine
        return common if common is not None else _NOTHING

    # -- grant administration ------------------------------------------------------------

    def load_grants(self, grants: Iterable[Grant]) -> int:
        """Replace every grant (built-in ones stay); returns how many distinct grants loaded.

        All rows are validated before anything changes: a bad row leaves the old grants.
        """
        fresh: dict[str, dict[str, frozenset[str]]] = {}
        count = 0
        for grant in grants:
            count += _add(fresh, *_validated(*grant, reserved=self._reserved))
        fresh.update(self._builtin)
        with self._lock:
            self._grants = dict(fresh)
        return count

    def add_grant(self, subject: str, role: str, domain: str | uuid.UUID) -> bool:
        """Grant a role in a domain; False when the subject already held it there."""
        subject, role, domain = _validated(subject, role, domain, reserved=self._reserved)
        with self._lock:
            held = self._grants.get(subject, {})
            roles = held.get(domain, _NOTHING)
            if role in roles:
                return False
            self._grants[subject] = {**held, domain: roles | {role}}
            return True

    def remove_grant(self, subject: str, role: str, domain: str | uuid.UUID) -> bool:
        """Take a role away in a domain; False when the subject did not hold it there."""
        subject, role, domain = _validated(subject, role, domain, reserved=self._reserved)
        with self._lock:
            held = self._grants.get(subject)
            if held is None or role not in held.get(domain, _NOTHING):
                return False
            updated = dict(held)
            remaining = held[domain] - {role}
            if remaining:
                updated[domain] = remaining
            else:
                del updated[domain]
            if updated:
                self._grants[subject] = updated
            else:
                del self._grants[subject]
            return True

    def replace_subject(self, subject: str, grants: Iterable[tuple[str, str | uuid.UUID]]) -> None:
        """Set everything one subject holds, as re-read after a change notification."""
        fresh: dict[str, dict[str, frozenset[str]]] = {}
        for role, domain in grants:
            _add(fresh, *_validated(subject, role, domain, reserved=self._reserved))
        with self._lock:
            if subject in fresh:
                self._grants[subject] = fresh[subject]
            else:
                self._grants.pop(_validated_subject(subject, self._reserved), None)

    def grants_of(self, subject: str) -> frozenset[tuple[str, str]]:
        """The (role, domain) pairs a subject holds."""
        held = self._grants.get(subject, {})
        return frozenset((role, domain) for domain, roles in held.items() for role in roles)

    def grants(self) -> Iterator[Grant]:
        """Every grant, built-in ones included, from one consistent snapshot."""
        for subject, held in list(self._grants.items()):
            for domain, roles in held.items():
                for role in sorted(roles):
                    yield subject, role, domain

    def grant_count(self) -> int:
        return sum(len(roles) for held in list(self._grants.values()) for roles in held.values())

    # -- Casbin itself -------------------------------------------------------------------

    def casbin_enforcer(self) -> casbin.Enforcer:
        """A plain Casbin enforcer holding the same policy and grants, to explain or compare.

        Slow by design (Casbin scans every rule per check): for tests, tools and benchmarks.
        """
        enforcer = casbin.Enforcer(self._model_path, self._policy_path)
        rows = [list(grant) for grant in self.grants()]
        if rows:
            enforcer.add_grouping_policies(rows)
        return enforcer


def _first_allowing(
    held: _RolesByDomain, domain: str, allowed: tuple[str, ...]
) -> tuple[str, str] | None:
    """The narrowest allowing role held in the BU itself, else at org scope."""
    here = held.get(domain)
    if here:
        for role in allowed:
            if role in here:
                return role, domain
    if domain != ORG_SCOPE:
        everywhere = held.get(ORG_SCOPE)
        if everywhere:
            for role in allowed:
                if role in everywhere:
                    return role, ORG_SCOPE
    return None


def _add(into: dict[str, dict[str, frozenset[str]]], subject: str, role: str, domain: str) -> int:
    held = into.setdefault(subject, {})
    roles = held.get(domain, _NOTHING)
    if role in roles:
        return 0
    held[domain] = roles | {role}
    return 1


def _validated_subject(subject: str, reserved: frozenset[str]) -> str:
    if not isinstance(subject, str) or not subject.strip() or "," in subject:
        raise ValueError(f"Not a subject: {subject!r}.")
    if subject == ORG_SCOPE:
        raise ValueError(f"{ORG_SCOPE!r} is the org scope (and 'every subject'), not a subject.")
    if subject in _ROLE_NAMES:
        # Casbin's g(x, x, d) is always true, so a subject named like a role would be that role.
        raise ValueError(f"A subject cannot be named like a role: {subject!r}.")
    if subject in reserved:
        raise ValueError(f"{subject!r} holds built-in grants that cannot be changed.")
    return subject


def _validated(
    subject: str, role: str, domain: str | uuid.UUID, *, reserved: frozenset[str]
) -> tuple[str, str, str]:
    """A grant in canonical form, or ValueError saying what is wrong with it."""
    _validated_subject(subject, reserved)
    canonical_role = _ROLE_BY_NAME.get(role)
    if canonical_role is None:
        raise ValueError(f"Not a role: {role!r} (granted to {subject}).")
    if isinstance(domain, uuid.UUID):
        return subject, canonical_role, str(domain)
    return subject, canonical_role, _canonical_domain(domain)


@functools.lru_cache(maxsize=65536)
def _canonical_domain(domain: str) -> str:
    # Cached: a bulk load repeats the same few hundred BUs a hundred thousand times.
    if domain == ORG_SCOPE:
        return domain
    try:
        return str(uuid.UUID(domain))
    except (ValueError, TypeError, AttributeError):
        raise ValueError(
            f"Not a domain: {domain!r} (a BU's UUID or {ORG_SCOPE!r} for the organization)."
        ) from None


@functools.lru_cache(maxsize=8)
def _compile_policy(model_path: str, policy_path: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """Read the policy through Casbin, check it, and index it by permission."""
    enforcer = casbin.Enforcer(model_path, policy_path)
    if enforcer.get_grouping_policy():
        raise PolicyError("policy.csv holds permissions only; grants come from the database.")
    by_permission: dict[tuple[str, str], set[str]] = {}
    for row in enforcer.get_policy():
        if len(row) != 3:
            raise PolicyError(f"A policy row is (role, resource, action): {row!r}.")
        role, obj, act = row
        try:
            key = (Resource(obj).value, Action(act).value)
            by_permission.setdefault(key, set()).add(Role(role).value)
        except ValueError:
            raise PolicyError(f"Policy row outside the vocabulary: {row!r}.") from None
    index = {
        key: tuple(sorted(roles, key=_narrowest_first)) for key, roles in by_permission.items()
    }
    _confirm_domain_semantics(enforcer, index)
    return index


def _narrowest_first(role: str) -> tuple[int, str]:
    return rank(role), role


def _confirm_domain_semantics(
    enforcer: casbin.Enforcer, index: Mapping[tuple[str, str], tuple[str, ...]]
) -> None:
    """Fail fast if model.conf no longer means what the index assumes about domains.

    For each role, one permission it holds and one it lacks are asked of Casbin with the role
    granted in one BU and at org scope.
    """
    here, elsewhere = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))
    every_permission = [(r.value, a.value) for r in Resource for a in Action]
    probes: list[tuple[str, str, str, str, bool]] = []
    for role in Role:
        held = [key for key in every_permission if role in index.get(key, ())]
        lacked = [key for key in every_permission if role not in index.get(key, ())]
        in_bu, at_org = f"probe:{role}@bu", f"probe:{role}@org"
        enforcer.add_grouping_policy(in_bu, role.value, here)
        enforcer.add_grouping_policy(at_org, role.value, ORG_SCOPE)
        for obj, act in held[:1]:
            probes += [
                (in_bu, here, obj, act, True),
                (in_bu, elsewhere, obj, act, False),
                (in_bu, ORG_SCOPE, obj, act, False),
                (at_org, here, obj, act, True),
                (at_org, ORG_SCOPE, obj, act, True),
            ]
        for obj, act in lacked[:1]:
            probes += [(in_bu, here, obj, act, False), (at_org, ORG_SCOPE, obj, act, False)]
    for subject, domain, obj, act, expected in probes:
        if bool(enforcer.enforce(subject, domain, obj, act)) is not expected:
            raise PolicyError(
                f"model.conf disagrees with the index: enforce({subject}, {domain}, {obj}, "
                f"{act}) should be {expected}."
            )
