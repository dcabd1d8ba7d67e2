"""Pure rules of environments: catalog facts, and when a reservation may be granted.

Capacity and the queue (one rule, for requests and for promotions alike):

- A SHARED reservation weighs 1; an EXCLUSIVE one weighs the environment's whole capacity.
- A request fits when, at every instant of its [start, end), the GRANTED reservations that
  overlap it plus the request weigh at most the capacity (so any overlap with an exclusive
  one, on either side, never fits).
- It is granted when it fits and no earlier QUEUED request on the same environment overlaps
  it (FIFO: nobody jumps the queue of an overlapping range); otherwise it is QUEUED.
- Its queue position is 1 + the earlier queued requests on that environment that overlap it.
- When a reservation is released, cancelled or shortened, the queue is walked oldest first
  and every request that is now granted is promoted, in the same unit of work.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.environments.errors import EnvironmentErrorCode as Code
from domain.environments.vocabulary import ReservationMode
from domain.kernel.errors import DomainError
from domain.kernel.rules import matching, trimmed, within
from domain.kernel.vocabulary import EnvironmentKind

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
REGION_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
MAX_RESERVATION_LENGTH = timedelta(days=90)
"""No reservation is longer: overlap queries bound their index range scans by it."""
MAX_CAPACITY = 1000


class ContentionReason(StrEnum):
    EXCLUSIVE = "exclusive"
    CAPACITY = "capacity"
    QUEUED_AHEAD = "queued_ahead"


@dataclass(frozen=True, slots=True)
class Hold:
    """What the queue needs to know of a reservation."""

    id: uuid.UUID
    mode: str
    starts_at: datetime
    ends_at: datetime
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class Contention:
    """Another reservation standing in the way of a request, and why."""

    reservation_id: uuid.UUID
    reason: ContentionReason


def overlaps(a: Hold, b: Hold) -> bool:
    """Half-open ranges overlap; touching ones (a ends when b starts) do not."""
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def weight(mode: str, capacity: int) -> int:
    return capacity if mode == ReservationMode.EXCLUSIVE else 1


def peak_load(held: Iterable[Hold], start: datetime, end: datetime, capacity: int) -> int:
    """The heaviest load of `held` at any instant of [start, end) (a sweep over boundaries)."""
    deltas: list[tuple[datetime, int]] = []
    for h in held:
        s, e = max(h.starts_at, start), min(h.ends_at, end)
        if s < e:
            w = weight(h.mode, capacity)
            deltas += [(s, w), (e, -w)]
    load = peak = 0
    # At equal instants ends come first: [a, b) and [b, c) never count together.
    for _, delta in sorted(deltas, key=lambda d: (d[0], d[1])):
        load += delta
        peak = max(peak, load)
    return peak


def fits(request: Hold, granted: Sequence[Hold], capacity: int) -> bool:
    """Whether the request fits beside the granted reservations."""
    others = [g for g in granted if g.id != request.id and overlaps(g, request)]
    load = peak_load(others, request.starts_at, request.ends_at, capacity)
    return load + weight(request.mode, capacity) <= capacity


def queued_ahead(request: Hold, queued: Sequence[Hold]) -> list[Hold]:
    """Earlier queued requests whose range overlaps the request's, oldest first."""
    key = (request.requested_at, str(request.id))
    return sorted(
        (
            q
            for q in queued
            if q.id != request.id and overlaps(q, request) and (q.requested_at, str(q.id)) < key
        ),
        key=lambda q: (q.requested_at, str(q.id)),
    )


def contention(
    request: Hold, granted: Sequence[Hold], queued: Sequence[Hold], capacity: int
) -> list[Contention]:
    """Everything in the request's way: overlapping granted holds, then the queue ahead of it.

    Empty when the request is granted at once.
    """
    ahead = queued_ahead(request, queued)
    if not ahead and fits(request, granted, capacity):
        return []
    found = []
    for g in sorted(granted, key=lambda g: (g.starts_at, str(g.id))):
        if g.id == request.id or not overlaps(g, request):
            continue
        exclusive = ReservationMode.EXCLUSIVE in (g.mode, request.mode)
        reason = ContentionReason.EXCLUSIVE if exclusive else ContentionReason.CAPACITY
        found.append(Contention(g.id, reason))
    return found + [Contention(q.id, ContentionReason.QUEUED_AHEAD) for q in ahead]


def promotions(granted: Sequence[Hold], queued: Sequence[Hold], capacity: int) -> list[Hold]:
    """The queued requests that are granted now, walking the queue oldest first."""
    held = list(granted)
    waiting = sorted(queued, key=lambda q: (q.requested_at, str(q.id)))
    promoted: list[Hold] = []
    for q in waiting:
        still_waiting = [w for w in waiting if w not in promoted]
        if not queued_ahead(q, still_waiting) and fits(q, held, capacity):
            promoted.append(q)
            held.append(q)
    return promoted


def queue_position(request: Hold, queued: Sequence[Hold]) -> int:
    return 1 + len(queued_ahead(request, queued))


# -- catalog facts -------------------------------------------------------------------------


def check_key(key: str) -> str:
    message = "A key is 1-64 lowercase letters, digits, '-' or '_', starting with a letter."
    return matching(key.strip(), KEY_PATTERN.match, message, code=Code.INVALID_KEY, field="key")


def check_name(name: str) -> str:
    message = "A name is 1 to 200 characters."
    return trimmed(name, 1, 200, message, code=Code.INVALID_NAME, field="name")


def check_capacity(capacity: int) -> int:
    message = f"Capacity is between 1 and {MAX_CAPACITY} concurrent holders."
    return within(capacity, 1, MAX_CAPACITY, message, code=Code.INVALID_CAPACITY, field="capacity")


def check_region(kind: str, region: str | None) -> str | None:
    region = region.strip() if region else None
    if region is not None and not REGION_PATTERN.match(region):
        raise DomainError(
            "A region is like eu-west-1: lowercase letters, digits and '-'.",
            code=Code.INVALID_REGION,
            field="region",
        )
    if kind == EnvironmentKind.PRODUCTION and region is None:
        raise DomainError(
            "A production environment serves one region; name it.",
            code=Code.REGION_REQUIRED,
            field="region",
        )
    return region


def check_product_domain(value: str | None) -> str | None:
    message = "A product domain is a key: lowercase letters, digits, '-' or '_'."
    value = value.strip() if value else None
    return matching(
        value, KEY_PATTERN.match, message, code=Code.INVALID_PRODUCT_DOMAIN, field="productDomain"
    )


def check_final_staging(kind: str, final_staging: bool, product_domain: str | None) -> None:
    if not final_staging:
        return
    if kind != EnvironmentKind.STAGING:
        raise DomainError(
            "Only a staging environment can be the final staging before production.",
            code=Code.FINAL_STAGING_NOT_STAGING,
            field="finalStaging",
        )
    if product_domain is None:
        raise DomainError(
            "The final staging is final for a product domain; name it.",
            code=Code.INVALID_PRODUCT_DOMAIN,
            field="productDomain",
        )


def check_range(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(
            "A reservation ends after it starts.", code=Code.INVALID_INTERVAL, field="endsAt"
        )
    if ends_at - starts_at > MAX_RESERVATION_LENGTH:
        raise DomainError(
            f"A reservation lasts at most {MAX_RESERVATION_LENGTH.days} days.",
            code=Code.RESERVATION_TOO_LONG,
            field="endsAt",
        )
    if ends_at <= now:
        raise DomainError(
            "A reservation that has already ended holds nothing.",
            code=Code.RESERVATION_IN_PAST,
            field="endsAt",
        )


# -- config snapshots ----------------------------------------------------------------------

DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
SERVICE_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,127}$")
GIT_COMMIT_PATTERN = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
CHART_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
CHART_VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")
MAX_IMAGES = 500


def check_digest(value: str | None, field: str) -> str | None:
    """A content digest is `sha256:` and 64 lowercase hex digits (OCI, Helm, Terraform)."""
    if value is None:
        return None
    if not DIGEST_PATTERN.match(value):
        raise DomainError(
            f"{value[:80]!r} is not a digest: expected sha256:<64 lowercase hex digits>.",
            code=Code.INVALID_DIGEST,
            field=field,
        )
    return value


def check_images(images: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Image digests per service: valid keys, valid digests, each service once."""
    if len(images) > MAX_IMAGES:
        raise DomainError(
            f"At most {MAX_IMAGES} images per snapshot.", code=Code.TOO_MANY_IMAGES, field="images"
        )
    seen: dict[str, str] = {}
    for key, digest in images:
        if not SERVICE_KEY_PATTERN.match(key):
            raise DomainError(
                f"{key[:80]!r} is not a service key.", code=Code.INVALID_SERVICE_KEY, field="images"
            )
        if key in seen:
            raise DomainError(
                f"Service {key} is listed twice.", code=Code.INVALID_SERVICE_KEY, field="images"
            )
        seen[key] = check_digest(digest, "images") or ""
    return sorted(seen.items())


def check_helm(chart: str | None, version: str | None) -> tuple[str | None, str | None]:
    if chart is not None and not CHART_PATTERN.match(chart):
        raise DomainError(
            "A Helm chart name is letters, digits, '.', '_' or '-'.",
            code=Code.INVALID_HELM_CHART,
            field="helmChart",
        )
    if version is not None and not CHART_VERSION_PATTERN.match(version):
        raise DomainError(
            "A Helm chart version is a SemVer-like string.",
            code=Code.INVALID_HELM_CHART,
            field="helmChartVersion",
        )
    if (chart is None) != (version is None):
        raise DomainError(
            "Report a Helm chart with its version.",
            code=Code.INVALID_HELM_CHART,
            field="helmChartVersion" if version is None else "helmChart",
        )
    return chart, version


def check_git_commit(value: str | None) -> str | None:
    message = "A git commit is a full 40 (SHA-1) or 64 (SHA-256) hex digit id."
    return matching(
        value, GIT_COMMIT_PATTERN.match, message, code=Code.INVALID_GIT_COMMIT, field="gitCommit"
    )


def check_serial(value: int | None) -> int | None:
    return within(
        value,
        0,
        2**63 - 1,
        "A Terraform state serial is a non-negative integer.",
        code=Code.INVALID_TERRAFORM_SERIAL,
        field="terraformSerial",
    )
