"""Pure rules of SRE readiness reviews: checklist templates, the checklist a release gets, what
is missing item by item, and the `readiness_review` gate of the promotion decision."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.kernel import gates
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateKey, GateOutcome
from domain.kernel.rules import choice
from domain.organization.vocabulary import Tier
from domain.readiness.review_errors import ReviewErrorCode as Code
from domain.readiness.review_vocabulary import ItemKind, ReviewStatus

GATE = GateKey.READINESS_REVIEW.value
ITEM_KEY = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
MAX_ITEMS = 50
MAX_VALID_DAYS = 730
DEFAULT_VALID_DAYS = 90


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """A checklist item as a review gets it from a template."""

    key: str
    kind: str
    title: str
    valid_days: int


@dataclass(frozen=True, slots=True)
class TemplateFacts:
    """The latest active version of a template, as the checklist needs it."""

    id: uuid.UUID
    key: str
    version: int
    org_level: bool
    tiers: tuple[str, ...]
    items: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ItemFacts:
    key: str
    kind: str
    title: str
    evidence_url: str | None
    checked_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """A readiness review as the decision reads it: of a release, or of a service (its first
    launch) with who opened it."""

    id: uuid.UUID
    release_id: uuid.UUID | None
    status: str
    signed_off_by_id: uuid.UUID | None
    items: tuple[ItemFacts, ...]
    service_id: uuid.UUID | None = None
    opened_by_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ReviewNeed:
    """Whether the promotion needs a signed readiness review, and why (empty: it does not)."""

    why: tuple[str, ...] = ()
    runbook_max_age_days: int = MAX_VALID_DAYS

    @property
    def required(self) -> bool:
        return bool(self.why)


def _invalid(message: str, code: Code = Code.INVALID_ITEMS) -> DomainError:
    return DomainError(message, code=code, field="items")


def check_items(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Items as stored: [{key, kind, title, valid_days}], 1 to 50, keys unique."""
    if not 1 <= len(raw) <= MAX_ITEMS:
        raise _invalid(f"A checklist template has 1 to {MAX_ITEMS} items.")
    out: list[dict[str, Any]] = []
    for item in raw:
        key = str(item.get("key") or "")
        if not ITEM_KEY.match(key):
            raise _invalid(f"'{key}' is not an item key: 2-64 lowercase letters, digits, dashes.")
        if any(o["key"] == key for o in out):
            raise _invalid(f"Item '{key}' appears twice.")
        kind = choice(ItemKind, str(item.get("kind") or ""), Code.UNKNOWN_ITEM_KIND, "items")
        title = str(item.get("title") or "").strip()
        if not 1 <= len(title) <= 200:
            raise _invalid(f"Item '{key}' needs a title of 1 to 200 characters.")
        days = item.get("valid_days") or DEFAULT_VALID_DAYS
        if not isinstance(days, int) or not 1 <= days <= MAX_VALID_DAYS:
            raise _invalid(f"Item '{key}': evidence stays valid 1 to {MAX_VALID_DAYS} days.")
        out.append({"key": key, "kind": kind.value, "title": title, "valid_days": days})
    return out


def check_tiers(values: Iterable[str]) -> list[str]:
    return sorted({choice(Tier, v, Code.UNKNOWN_TIER, "tiers").value for v in values})


def checklist(templates: Iterable[TemplateFacts], tiers: Collection[str]) -> list[ItemSpec]:
    """The items of every template applying to a release shipping services of these tiers:
    org templates first, then the BU's (which only add), each item keyed by its template."""
    applying = [t for t in templates if not t.tiers or set(t.tiers) & set(tiers)]
    ordered = sorted(applying, key=lambda t: (not t.org_level, t.key))
    return [
        ItemSpec(f"{t.key}.{i['key']}", i["kind"], i["title"], int(i["valid_days"]))
        for t in ordered
        for i in t.items
    ]


def expiry(checked_at: datetime, valid_days: int, asked: datetime | None) -> datetime:
    """When an item's evidence expires: `asked` (when given), never later than its validity."""
    latest = checked_at + timedelta(days=valid_days)
    return latest if asked is None else min(asked, latest)


def missing(items: Iterable[ItemFacts], now: datetime, runbook_max_age_days: int) -> list[str]:
    """What is missing, item by item, at `now`: no evidence, expired evidence, a runbook
    reviewed longer ago than the guardrails allow."""
    out = []
    for item in items:
        if item.evidence_url is None or item.checked_at is None or item.expires_at is None:
            out.append(f"{item.title} ({item.key}): no evidence")
        elif item.expires_at <= now:
            out.append(f"{item.title} ({item.key}): evidence expired")
        elif item.kind == ItemKind.RUNBOOK and item.checked_at < now - timedelta(
            days=runbook_max_age_days
        ):
            out.append(
                f"{item.title} ({item.key}): last reviewed more than "
                f"{runbook_max_age_days} days ago"
            )
    return out


def need(
    guardrails: Mapping[str, Any], change_types: Iterable[str], listed_by: str | None
) -> ReviewNeed:
    """Why the promotion needs a signed review: the guardrails require one for the service
    (its tier profile), for one of the release's change types, or a pipeline stage lists it."""
    why = []
    if guardrails.get("readiness_review_required"):
        why.append("the service's guardrails require one")
    types = sorted(set(change_types) & set(guardrails.get("readiness_review_change_types") or ()))
    if types:
        why.append(f"the release changes {', '.join(types)}")
    if listed_by:
        why.append(f"{listed_by} lists it")
    days = int(guardrails.get("runbook_review_max_age_days") or MAX_VALID_DAYS)
    return ReviewNeed(tuple(why), days)


def gate(
    need: ReviewNeed,
    review: ReviewFacts | None,
    author_ids: Collection[uuid.UUID],
    now: datetime,
) -> GateOutcome:
    """A review opened for the release is judged whether required or not (SRE asked for it);
    one required must exist, list nothing missing at `now`, and be signed off by an SRE who
    is not one of its authors."""
    if review is None:
        if not need.required:
            return gates.passed(GATE, "No readiness review is required or open.")
        return gates.pending(
            GATE, f"A readiness review is required ({'; '.join(need.why)}); none is open."
        )
    evidence: dict[str, Any] = {"readinessReviewId": str(review.id)}
    gaps = missing(review.items, now, need.runbook_max_age_days)
    if gaps:
        return gates.pending(
            GATE, f"The readiness review is missing: {'; '.join(gaps)}.", missing=gaps, **evidence
        )
    signer = review.signed_off_by_id
    if review.status != ReviewStatus.SIGNED_OFF or signer is None:
        return gates.pending(
            GATE, "The readiness review has every item; it awaits an SRE's sign-off.", **evidence
        )
    evidence["signedOffById"] = str(signer)
    if signer in author_ids:
        return gates.failed(
            GATE, "The readiness review was signed off by one of the release's authors.", **evidence
        )
    return gates.passed(
        GATE,
        f"The readiness review's {len(review.items)} items are met and signed off.",
        **evidence,
    )
