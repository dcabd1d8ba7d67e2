"""Pure rules of the organization, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.organization import rules
from domain.organization.rules import ORG_ONLY_ROLES, ROLE_RANK
from domain.organization.vocabulary import Discipline, Role

roles = st.sampled_from(list(Role))
NOW = datetime(2026, 11, 27, tzinfo=UTC)


def refusal(**kw: object) -> str | None:
    try:
        rules.check_grant(**kw)  # type: ignore[arg-type]
    except DomainError as exc:
        return str(exc.code)
    return None


class TestNobodyGrantsAboveTheirOwnRole:
    @given(granted=roles, held=st.sets(roles, max_size=3))
    def test_a_grant_passes_exactly_when_a_held_role_ranks_at_least_as_high(
        self, granted: Role, held: set[Role]
    ) -> None:
        code = refusal(
            role=granted,
            discipline=Discipline.LEGAL if granted is Role.APPROVER else None,
            org_scope=True,
            grantor_roles={str(r) for r in held},
            grantor_is_grantee=False,
        )
        may = any(ROLE_RANK[h] >= ROLE_RANK[granted] for h in held)
        assert (code is None) is may

    @given(granted=roles, held=st.sets(roles, max_size=3), extra=roles)
    def test_holding_more_roles_never_takes_a_grant_away(
        self, granted: Role, held: set[Role], extra: Role
    ) -> None:
        kw = {
            "role": granted,
            "discipline": Discipline.LEGAL if granted is Role.APPROVER else None,
            "org_scope": True,
            "grantor_is_grantee": False,
        }
        before = refusal(grantor_roles={str(r) for r in held}, **kw)
        after = refusal(grantor_roles={str(r) for r in held | {extra}}, **kw)
        assert not (before is None and after is not None)

    @pytest.mark.parametrize("role", sorted(ORG_ONLY_ROLES))
    def test_org_only_roles_are_never_granted_in_a_bu(self, role: Role) -> None:
        code = refusal(
            role=role,
            discipline=None,
            org_scope=False,
            grantor_roles={"org_admin"},
            grantor_is_grantee=False,
        )
        assert code == "ROLE_ORG_ONLY"

    def test_nobody_grants_themselves(self) -> None:
        assert (
            refusal(
                role=Role.VIEWER,
                discipline=None,
                org_scope=True,
                grantor_roles={"org_admin"},
                grantor_is_grantee=True,
            )
            == "SELF_GRANT"
        )


class TestTokenScopes:
    def test_a_bu_admin_may_scope_a_token_to_a_lower_role_in_its_bu(self) -> None:
        assert rules.check_token_scope([("viewer", "bu-1")], [("bu_admin", "bu-1")]) == [
            ("viewer", "bu-1")
        ]

    def test_a_role_in_another_bu_is_too_wide(self) -> None:
        with pytest.raises(DomainError) as exc:
            rules.check_token_scope([("viewer", "bu-2")], [("bu_admin", "bu-1")])
        assert exc.value.code == "TOKEN_SCOPE_TOO_WIDE"

    def test_an_auditor_grant_is_no_ceiling_for_other_roles(self) -> None:
        with pytest.raises(DomainError):
            rules.check_token_scope([("viewer", "*")], [("auditor", "*")])
        assert rules.check_token_scope([("auditor", "*")], [("auditor", "*")]) == [("auditor", "*")]

    def test_an_empty_scope_is_refused(self) -> None:
        with pytest.raises(DomainError):
            rules.check_token_scope([], [("org_admin", "*")])

    @given(ttl=st.integers(min_value=-10, max_value=400 * 86400))
    def test_tokens_always_expire_within_a_year_and_a_day(self, ttl: int) -> None:
        try:
            expiry = rules.token_expiry(NOW, timedelta(seconds=ttl) if ttl else None)
        except DomainError:
            assert ttl < 0 or ttl > 366 * 86400
            return
        assert NOW < expiry <= NOW + timedelta(days=366)


class TestNamesAndKeys:
    @pytest.mark.parametrize("key", ["payments", "card-gateway", "a1b", "x" * 64])
    def test_good_keys_pass(self, key: str) -> None:
        assert rules.check_key(key) == key

    @pytest.mark.parametrize(
        "key", ["", "ab", "Payments", "1abc", "-abc", "abc-", "a b c", "x" * 65, "é-abc"]
    )
    def test_bad_keys_are_refused_with_a_code(self, key: str) -> None:
        with pytest.raises(DomainError) as exc:
            rules.check_key(key)
        assert exc.value.code == "INVALID_KEY" and exc.value.field == "key"

    def test_regions_are_normalised_unique_and_sorted(self) -> None:
        assert rules.check_regions(["US-EAST-1", "eu-west-1", "us-east-1 "]) == [
            "eu-west-1",
            "us-east-1",
        ]

    @given(st.text(max_size=300))
    def test_names_are_refused_or_kept_trimmed(self, name: str) -> None:
        try:
            out = rules.check_name(name)
        except DomainError:
            assert not 1 <= len(name.strip()) <= 200
            return
        assert out == name.strip()
