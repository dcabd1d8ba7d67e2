"""Pure rules of vendors: what makes an attestation current, what a vendor release needs.

An attestation is *current* at `t` when it is not revoked and `issued_at <= t < expires_at`.
A vendor release into a service needs, for every kind the service's effective guardrails
require (`vendor_attestations_required`), a current attestation that lasts until the release
ends. For each missing kind the verdict says why, most telling reason first:

| verdict | when |
| --- | --- |
| COVERED | a current attestation of the kind lasts until the release ends |
| EXPIRES_DURING_RELEASE | a current one exists, but every one expires before the release ends |
| REVOKED | none is current, and the newest one was revoked |
| EXPIRED | none is current, and the newest one has expired |
| MISSING | the vendor never held one of the kind |
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.kernel.errors import DomainError
from domain.kernel.rules import trimmed
from domain.organization.errors import OrganizationErrorCode as Code
from domain.organization.vocabulary import AttestationKind, AttestationStatus

MAX_ATTESTATION_VALIDITY = timedelta(days=3 * 366)
"""No report is valid longer (ISO 27001 certificates run three years; SOC 2 reports one)."""
MAX_VENDOR_RELEASE_LENGTH = timedelta(days=14)
"""No vendor release lasts longer, like a deployment window; overlap scans rely on it."""
MAX_RANGE = timedelta(days=400)
"""The longest calendar slice `vendorReleases` answers for."""
EXPIRING_SOON = timedelta(days=30)
MAX_TEXT = 10_000


class Verdict(StrEnum):
    COVERED = "covered"
    EXPIRES_DURING_RELEASE = "expires_during_release"
    REVOKED = "revoked"
    EXPIRED = "expired"
    MISSING = "missing"


class FindingCode(StrEnum):
    ATTESTATION_MISSING = "ATTESTATION_MISSING"
    ATTESTATION_EXPIRED = "ATTESTATION_EXPIRED"
    ATTESTATION_REVOKED = "ATTESTATION_REVOKED"
    ATTESTATION_EXPIRES_DURING_RELEASE = "ATTESTATION_EXPIRES_DURING_RELEASE"
    FREEZE_CONFLICT = "FREEZE_CONFLICT"


FINDING_OF: dict[Verdict, FindingCode] = {
    Verdict.EXPIRES_DURING_RELEASE: FindingCode.ATTESTATION_EXPIRES_DURING_RELEASE,
    Verdict.REVOKED: FindingCode.ATTESTATION_REVOKED,
    Verdict.EXPIRED: FindingCode.ATTESTATION_EXPIRED,
    Verdict.MISSING: FindingCode.ATTESTATION_MISSING,
}
_SENTENCE = {
    FindingCode.ATTESTATION_MISSING: "holds no {kinds} attestation",
    FindingCode.ATTESTATION_EXPIRED: "has only expired {kinds} attestations",
    FindingCode.ATTESTATION_REVOKED: "had its {kinds} attestation revoked",
    FindingCode.ATTESTATION_EXPIRES_DURING_RELEASE: (
        "holds a {kinds} attestation that expires before the release ends"
    ),
}


@dataclass(frozen=True, slots=True)
class AttestationFacts:
    id: uuid.UUID
    kind: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """Why a vendor release into one service is flagged (`kinds` empty for a freeze)."""

    service_id: uuid.UUID
    code: FindingCode
    kinds: tuple[str, ...]
    sentence: str
    freeze_id: uuid.UUID | None = None


# -- validation ----------------------------------------------------------------------------


def check_kind(value: str) -> AttestationKind:
    try:
        return AttestationKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in AttestationKind)
        raise DomainError(
            f"'{value}' is not one of: {allowed}.", code=Code.INVALID_ATTESTATION_KIND, field="kind"
        ) from None


def check_attestation_period(issued_at: datetime, expires_at: datetime, now: datetime) -> None:
    """Issued already (a report exists once issued), expiring after issue, at most 3 years."""
    if issued_at.tzinfo is None or expires_at.tzinfo is None:
        raise DomainError(
            "Times need a UTC offset.", code=Code.INVALID_ATTESTATION_PERIOD, field="issuedAt"
        )
    if issued_at > now:
        raise DomainError(
            "An attestation is recorded once issued, not before.",
            code=Code.INVALID_ATTESTATION_PERIOD,
            field="issuedAt",
        )
    if expires_at <= issued_at:
        raise DomainError(
            "An attestation expires after it is issued.",
            code=Code.INVALID_ATTESTATION_PERIOD,
            field="expiresAt",
        )
    if expires_at - issued_at > MAX_ATTESTATION_VALIDITY:
        raise DomainError(
            f"An attestation is valid for at most {MAX_ATTESTATION_VALIDITY.days} days.",
            code=Code.INVALID_ATTESTATION_PERIOD,
            field="expiresAt",
        )


def check_line(value: str, *, field: str, code: Code, longest: int) -> str:
    """A required one-line text (issuer, report reference, title, version)."""
    value = value.strip()
    if not 1 <= len(value) <= longest or "\n" in value:
        raise DomainError(
            f"{field} needs 1 to {longest} characters on one line.", code=code, field=field
        )
    return value


def check_text(value: str, *, field: str) -> str:
    message = f"{field} holds at most {MAX_TEXT} characters."
    return trimmed(value, 0, MAX_TEXT, message, code=Code.INVALID_TEXT, field=field)


def check_reason(value: str) -> str:
    message = "Say why, in 1 to 2000 characters."
    return trimmed(value, 1, 2000, message, code=Code.REASON_REQUIRED, field="reason")


def check_release_interval(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise DomainError("Times need a UTC offset.", code=Code.INVALID_INTERVAL, field="startsAt")
    if ends_at <= starts_at:
        raise DomainError(
            "A vendor release ends after it starts.", code=Code.INVALID_INTERVAL, field="endsAt"
        )
    if ends_at - starts_at > MAX_VENDOR_RELEASE_LENGTH:
        raise DomainError(
            f"A vendor release lasts at most {MAX_VENDOR_RELEASE_LENGTH.days} days.",
            code=Code.INVALID_INTERVAL,
            field="endsAt",
        )


def check_range(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None or ends_at is None:
        return
    if ends_at <= starts_at:
        raise DomainError("'to' comes after 'from'.", code=Code.INVALID_INTERVAL, field="to")
    if ends_at - starts_at > MAX_RANGE:
        raise DomainError(
            f"Ask for at most {MAX_RANGE.days} days at a time.",
            code=Code.RANGE_TOO_LARGE,
            field="to",
        )


# -- currency and coverage -----------------------------------------------------------------


def is_current(a: AttestationFacts, at: datetime) -> bool:
    """Not revoked, and `issued_at <= at < expires_at`."""
    return a.revoked_at is None and a.issued_at <= at < a.expires_at


def verdict(
    attestations: Iterable[AttestationFacts], kind: str, now: datetime, until: datetime
) -> Verdict:
    """How well the vendor's attestations of `kind` cover a release running until `until`."""
    of_kind = [a for a in attestations if a.kind == kind]
    current = [a for a in of_kind if is_current(a, now)]
    if current:
        return (
            Verdict.COVERED
            if max(a.expires_at for a in current) >= until
            else Verdict.EXPIRES_DURING_RELEASE
        )
    issued = [a for a in of_kind if a.issued_at <= now]
    if not issued:
        return Verdict.MISSING
    newest = max(issued, key=lambda a: (a.issued_at, a.expires_at))
    return Verdict.REVOKED if newest.revoked_at is not None else Verdict.EXPIRED


def missing_kinds(
    attestations: Sequence[AttestationFacts], required: Collection[str], now: datetime
) -> list[str]:
    """The required kinds with no current attestation at `now`, sorted."""
    return sorted(
        k
        for k in set(required)
        if not any(is_current(a, now) and a.kind == k for a in attestations)
    )


def attestation_findings(
    service_id: uuid.UUID,
    service_label: str,
    vendor_name: str,
    attestations: Sequence[AttestationFacts],
    required: Collection[str],
    *,
    now: datetime,
    until: datetime,
) -> list[Finding]:
    """One finding per verdict short of COVERED, naming the kinds it concerns."""
    by_code: dict[FindingCode, list[str]] = {}
    for kind in sorted(set(required)):
        v = verdict(attestations, kind, now, until)
        if v is not Verdict.COVERED:
            by_code.setdefault(FINDING_OF[v], []).append(kind)
    return [
        Finding(
            service_id=service_id,
            code=code,
            kinds=tuple(kinds),
            sentence=(
                f"{vendor_name} "
                + _SENTENCE[code].format(kinds=", ".join(kinds))
                + f", which {service_label} requires."
            ),
        )
        for code, kinds in sorted(
            by_code.items(), key=lambda item: list(FindingCode).index(item[0])
        )
    ]


def redacted(finding: Finding, vendor_name: str) -> Finding:
    """The finding as told to someone who may not read its service: no service, no freeze
    title, the same code and kinds."""
    if finding.code is FindingCode.FREEZE_CONFLICT:
        sentence = "The release falls into a freeze covering a service of another business unit."
    else:
        sentence = (
            f"{vendor_name} "
            + _SENTENCE[finding.code].format(kinds=", ".join(finding.kinds))
            + ", which a service of another business unit requires."
        )
    return Finding(
        service_id=finding.service_id, code=finding.code, kinds=finding.kinds, sentence=sentence
    )


def summarize(
    attestations: Sequence[AttestationFacts], now: datetime
) -> tuple[AttestationStatus, datetime | None]:
    """The vendor's legacy one-line summary: ATTESTED until its earliest current expiry, else
    what became of its newest attestation (REVOKED or EXPIRED), else PENDING."""
    current = [a for a in attestations if is_current(a, now)]
    if current:
        return AttestationStatus.ATTESTED, min(a.expires_at for a in current)
    issued = [a for a in attestations if a.issued_at <= now]
    if not issued:
        return AttestationStatus.PENDING, None
    newest = max(issued, key=lambda a: (a.issued_at, a.expires_at))
    if newest.revoked_at is not None:
        return AttestationStatus.REVOKED, newest.expires_at
    return AttestationStatus.EXPIRED, newest.expires_at
