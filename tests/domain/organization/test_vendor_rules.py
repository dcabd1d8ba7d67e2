"""Pure vendor rules: currency of attestations, cover of a release, findings, validation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.organization import vendor_rules as rules
from domain.organization.vendor_rules import AttestationFacts, FindingCode, Verdict
from domain.organization.vocabulary import AttestationStatus

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SERVICE = uuid.uuid4()


def att(
    kind: str = "soc2",
    issued: timedelta = -100 * DAY,
    expires: timedelta = 100 * DAY,
    revoked: bool = False,
) -> AttestationFacts:
    return AttestationFacts(
        id=uuid.uuid4(),
        kind=kind,
        issued_at=NOW + issued,
        expires_at=NOW + expires,
        revoked_at=NOW - DAY if revoked else None,
    )


class TestAnAttestationIsCurrentBetweenIssueAndExpiry:
    def test_current_from_issue_until_just_before_expiry(self) -> None:
        a = att(issued=-DAY, expires=DAY)
        assert rules.is_current(a, NOW - DAY)
        assert rules.is_current(a, NOW + DAY - timedelta(microseconds=1))
        assert not rules.is_current(a, NOW + DAY)
        assert not rules.is_current(a, NOW - DAY - timedelta(seconds=1))

    def test_a_revoked_attestation_is_never_current(self) -> None:
        assert not rules.is_current(att(revoked=True), NOW)


class TestVerdictForARelease:
    until = NOW + 10 * DAY

    def test_covered_when_a_current_one_lasts_until_the_release_ends(self) -> None:
        assert rules.verdict([att()], "soc2", NOW, self.until) is Verdict.COVERED

    def test_expires_during_release_when_every_current_one_ends_too_early(self) -> None:
        assert (
            rules.verdict([att(expires=5 * DAY)], "soc2", NOW, self.until)
            is Verdict.EXPIRES_DURING_RELEASE
        )

    def test_expired_when_only_old_ones_exist(self) -> None:
        old = att(issued=-400 * DAY, expires=-DAY)
        assert rules.verdict([old], "soc2", NOW, self.until) is Verdict.EXPIRED

    def test_revoked_when_the_newest_one_was_revoked(self) -> None:
        old = att(issued=-400 * DAY, expires=-DAY)
        newest = att(issued=-10 * DAY, revoked=True)
        assert rules.verdict([old, newest], "soc2", NOW, self.until) is Verdict.REVOKED

    def test_missing_when_none_of_the_kind_exists(self) -> None:
        assert rules.verdict([att("iso27001")], "soc2", NOW, self.until) is Verdict.MISSING


class TestFindingsNameTheKindsPerReason:
    def test_one_finding_per_reason_with_its_kinds(self) -> None:
        found = rules.attestation_findings(
            SERVICE,
            "card-gateway",
            "Acme",
            [att("soc2", expires=2 * DAY), att("security_testing")],
            ["soc2", "penetration_test", "security_testing", "iso27001"],
            now=NOW,
            until=NOW + 5 * DAY,
        )
        assert [(f.code, f.kinds) for f in found] == [
            (FindingCode.ATTESTATION_MISSING, ("iso27001", "penetration_test")),
            (FindingCode.ATTESTATION_EXPIRES_DURING_RELEASE, ("soc2",)),
        ]
        assert found[0].sentence == (
            "Acme holds no iso27001, penetration_test attestation, which card-gateway requires."
        )
        assert all(f.service_id == SERVICE for f in found)

    def test_nothing_required_means_nothing_found(self) -> None:
        assert rules.attestation_findings(SERVICE, "s", "V", [], [], now=NOW, until=NOW) == []

    def test_a_redacted_finding_names_no_service(self) -> None:
        (f,) = rules.attestation_findings(
            SERVICE, "secret-svc", "Acme", [], ["soc2"], now=NOW, until=NOW + DAY
        )
        hidden = rules.redacted(f, "Acme")
        assert "secret-svc" not in hidden.sentence
        assert (hidden.code, hidden.kinds) == (f.code, f.kinds)


class TestTheLegacySummary:
    def test_attested_until_the_earliest_current_expiry(self) -> None:
        status, expires = rules.summarize([att(expires=30 * DAY), att("iso27001")], NOW)
        assert (status, expires) == (AttestationStatus.ATTESTED, NOW + 30 * DAY)

    def test_pending_expired_and_revoked(self) -> None:
        assert rules.summarize([], NOW) == (AttestationStatus.PENDING, None)
        old = att(issued=-400 * DAY, expires=-DAY)
        assert rules.summarize([old], NOW)[0] is AttestationStatus.EXPIRED
        assert rules.summarize([old, att(revoked=True)], NOW)[0] is AttestationStatus.REVOKED


class TestValidation:
    def test_an_attestation_expires_after_issue_and_is_not_from_the_future(self) -> None:
        for issued, expires, field in (
            (NOW + DAY, NOW + 9 * DAY, "issuedAt"),
            (NOW - DAY, NOW - DAY, "expiresAt"),
            (NOW - DAY, NOW + 4 * 366 * DAY, "expiresAt"),
        ):
            with pytest.raises(DomainError) as e:
                rules.check_attestation_period(issued, expires, NOW)
            assert (e.value.code, e.value.field) == ("INVALID_ATTESTATION_PERIOD", field)

    def test_an_unknown_kind_is_refused(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_kind("gdpr")
        assert e.value.code == "INVALID_ATTESTATION_KIND"

    def test_a_release_ends_after_it_starts_and_lasts_at_most_two_weeks(self) -> None:
        for start, end in ((NOW, NOW), (NOW, NOW - DAY), (NOW, NOW + 15 * DAY)):
            with pytest.raises(DomainError) as e:
                rules.check_release_interval(start, end)
            assert (e.value.code, e.value.field) == ("INVALID_INTERVAL", "endsAt")
        rules.check_release_interval(NOW, NOW + 14 * DAY)

    def test_one_line_texts_are_bounded(self) -> None:
        for bad in ("", "   ", "a\nb", "x" * 201):
            with pytest.raises(DomainError) as e:
                rules.check_line(bad, field="issuer", code=rules.Code.INVALID_ISSUER, longest=200)
            assert e.value.code == "INVALID_ISSUER"
        assert rules.check_line(
            "  KPMG ", field="f", code=rules.Code.INVALID_ISSUER, longest=9
        ) == ("KPMG")


kinds = st.sampled_from(["soc2", "iso27001", "penetration_test", "security_testing"])
offsets = st.integers(min_value=-800, max_value=800).map(lambda d: d * DAY)
attestations = st.builds(
    lambda k, i, length, r: att(k, i, i + length, r),
    kinds,
    offsets,
    st.integers(min_value=1, max_value=1000).map(lambda d: d * DAY),
    st.booleans(),
)


class TestProperties:
    @given(st.lists(attestations, max_size=6), kinds, st.integers(0, 30).map(lambda d: d * DAY))
    def test_covered_exactly_when_a_current_one_outlasts_the_release(
        self, held: list[AttestationFacts], kind: str, length: timedelta
    ) -> None:
        until = NOW + length
        covered = rules.verdict(held, kind, NOW, until) is Verdict.COVERED
        assert covered == any(
            a.kind == kind and rules.is_current(a, NOW) and a.expires_at >= until for a in held
        )

    @given(st.lists(attestations, max_size=6), st.sets(kinds), attestations)
    def test_adding_an_attestation_never_adds_a_finding(
        self, held: list[AttestationFacts], required: set[str], extra: AttestationFacts
    ) -> None:
        def flagged(atts: list[AttestationFacts]) -> set[str]:
            found = rules.attestation_findings(
                SERVICE, "s", "V", atts, required, now=NOW, until=NOW + 3 * DAY
            )
            return {k for f in found for k in f.kinds}

        assert flagged([*held, extra]) <= flagged(held)

    @given(st.lists(attestations, max_size=6), st.sets(kinds))
    def test_revoking_never_removes_a_missing_kind(
        self, held: list[AttestationFacts], required: set[str]
    ) -> None:
        revoked = [
            AttestationFacts(a.id, a.kind, a.issued_at, a.expires_at, NOW - DAY) for a in held
        ]
        assert set(rules.missing_kinds(held, required, NOW)) <= set(
            rules.missing_kinds(revoked, required, NOW)
        )
        assert set(rules.missing_kinds(revoked, required, NOW)) == required
