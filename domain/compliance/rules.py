"""Hash chaining of the audit trail: the canonical form, record hashes and chain checks (pure).

Canonical form of a record (verify_export.py implements the very same, standalone):

- a JSON object of exactly the fields in `HASHED_FIELDS` (prev_hash included, hash excluded);
- keys sorted by code point, no whitespace (separators "," and ":"), non-ASCII kept as-is,
  encoded as UTF-8; NaN and infinities are refused;
- datetimes as ISO-8601 UTC with microseconds and a 'Z': `2026-11-27T09:00:00.000000Z`;
- UUIDs as lowercase hyphenated strings, None as null, everything else as JSON has it
  (integers as digits, floats as Python's shortest round-trip repr).

`hash = sha256(canonical bytes).hexdigest()`; the first record's prev_hash is `GENESIS`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64

HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "occurred_at",
    "actor_subject",
    "actor_username",
    "token_id",
    "action",
    "entity_type",
    "entity_id",
    "bu_id",
    "before",
    "after",
    "rule",
    "request_id",
    "prev_hash",
)
RECORD_FIELDS: tuple[str, ...] = (*HASHED_FIELDS, "hash")
"""Every column of an audit record, as exported (one JSON object per line)."""


class ChainBreak(StrEnum):
    """Why a chain is not intact, at its first broken record."""

    HASH_MISMATCH = "HASH_MISMATCH"
    """The stored hash is not the hash of the record's fields: a field was changed."""
    PREV_HASH_MISMATCH = "PREV_HASH_MISMATCH"
    """The record does not point at its predecessor: records were swapped, forged or rewritten."""
    SEQUENCE_GAP = "SEQUENCE_GAP"
    """Sequence numbers skip: records before this one are missing."""
    SEQUENCE_NOT_INCREASING = "SEQUENCE_NOT_INCREASING"
    """A sequence number repeats or goes back: records were inserted or reordered."""
    MALFORMED_RECORD = "MALFORMED_RECORD"
    """A field is missing or cannot be put in canonical form."""
    ANCHOR_MISMATCH = "ANCHOR_MISMATCH"
    """The record at the anchor's seq is not the one noted earlier: the chain was rewritten."""
    TRUNCATED = "TRUNCATED"
    """The chain ends before the anchor: records were removed from its end."""
    ROOT_MISMATCH = "ROOT_MISMATCH"
    """The Merkle root of the records up to a signed checkpoint is not the one it signed."""


@dataclass(frozen=True, slots=True)
class ChainHead:
    """A record's place in the chain: what the next record links to, or an anchor noted earlier."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of verifying a chain; `head` is the last record found intact."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: ChainBreak | None = None
    detail: str = ""
    head: ChainHead | None = None


def format_instant(moment: datetime) -> str:
    """A timezone-aware datetime in the canonical form: ISO-8601 UTC, microseconds, 'Z'."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime refused: the audit trail hashes UTC instants only")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_value(value: Any) -> Any:
    """A top-level field value as it appears in the canonical JSON."""
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no NaN: the same bytes for the same values anywhere."""
    text = json.dumps(
        {key: canonical_value(value) for key, value in document.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return text.encode("utf-8")


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """The bytes a record's hash is taken over: exactly `HASHED_FIELDS`, nothing else."""
    missing = [name for name in HASHED_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"record lacks {', '.join(missing)}")
    return canonical_json({name: fields[name] for name in HASHED_FIELDS})


def record_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of the record's canonical form, linked to its predecessor's hash."""
    return hashlib.sha256(canonical_bytes({**fields, "prev_hash": prev_hash})).hexdigest()


def link(records: Sequence[Mapping[str, Any]], after: ChainHead | None) -> list[dict[str, Any]]:
    """Number and hash new records so they continue the chain after `after` (None: genesis)."""
    seq, prev_hash = (0, GENESIS) if after is None else (after.seq, after.hash)
    linked: list[dict[str, Any]] = []
    for fields in records:
        seq += 1
        record = {**fields, "seq": seq, "prev_hash": prev_hash}
        prev_hash = record_hash(record, prev_hash)
        record["hash"] = prev_hash
        linked.append(record)
    return linked


def export_line(record: Mapping[str, Any]) -> bytes:
    """One record as a JSON Lines line: the canonical JSON of every field, hash included."""
    missing = [name for name in RECORD_FIELDS if name not in record]
    if missing:
        raise ValueError(f"record lacks {', '.join(missing)}")
    return canonical_json({name: record[name] for name in RECORD_FIELDS}) + b"\n"


class ChainVerifier:
    """Checks records one at a time, in stream order, keeping only the last link (O(1) memory).

    `after` continues a verification from a record known to be intact; `anchor` is a record
    noted earlier (seq and hash, e.g. a published head) that must still be in the chain, which
    is what catches a chain cut short at its end or rewritten from some point on.
    """

    def __init__(self, *, after: ChainHead | None = None, anchor: ChainHead | None = None) -> None:
        self._seq, self._hash = (0, GENESIS) if after is None else (after.seq, after.hash)
        if anchor is not None and anchor.seq <= self._seq:
            raise ValueError("the anchor must lie after the point verification starts from")
        self._anchor = anchor
        self._checked = 0
        self._break: ChainReport | None = None

    @property
    def broken(self) -> bool:
        return self._break is not None

    def feed(self, record: Mapping[str, Any]) -> bool:
        """Check the next record; False once the chain is broken (later records are ignored)."""
        if self._break is not None:
            return False
        seq = record.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            return self._fail(None, ChainBreak.MALFORMED_RECORD, f"seq is {seq!r}")
        if seq <= self._seq:
            return self._fail(
                seq, ChainBreak.SEQUENCE_NOT_INCREASING, f"seq {seq} follows seq {self._seq}"
            )
        if seq != self._seq + 1:
            return self._fail(
                seq, ChainBreak.SEQUENCE_GAP, f"expected seq {self._seq + 1}, found {seq}"
            )
        prev_hash = record.get("prev_hash")
        if prev_hash != self._hash:
            return self._fail(
                seq,
                ChainBreak.PREV_HASH_MISMATCH,
                f"prev_hash {prev_hash!r} is not the hash of seq {self._seq} ({self._hash})",
            )
        try:
            computed = record_hash(record, self._hash)
        except (TypeError, ValueError) as exc:
            return self._fail(seq, ChainBreak.MALFORMED_RECORD, str(exc))
        stored = record.get("hash")
        if stored != computed:
            return self._fail(
                seq, ChainBreak.HASH_MISMATCH, f"stored hash {stored!r}, recomputed {computed}"
            )
        if self._anchor is not None and seq == self._anchor.seq and computed != self._anchor.hash:
            return self._fail(
                seq,
                ChainBreak.ANCHOR_MISMATCH,
                f"anchored hash {self._anchor.hash}, found {computed}",
            )
        self._seq, self._hash = seq, computed
        self._checked += 1
        return True

    def report(self) -> ChainReport:
        """The verdict on everything fed so far."""
        if self._break is not None:
            return self._break
        if self._anchor is not None and self._seq < self._anchor.seq:
            return ChainReport(
                ok=False,
                checked=self._checked,
                first_broken_seq=self._seq + 1,
                reason=ChainBreak.TRUNCATED,
                detail=f"the chain ends at seq {self._seq}, before the anchor's {self._anchor.seq}",
                head=self._head(),
            )
        return ChainReport(ok=True, checked=self._checked, head=self._head())

    def _head(self) -> ChainHead | None:
        return None if self._seq == 0 else ChainHead(self._seq, self._hash)

    def _fail(self, seq: int | None, reason: ChainBreak, detail: str) -> bool:
        self._break = ChainReport(
            ok=False,
            checked=self._checked,
            first_broken_seq=seq,
            reason=reason,
            detail=detail,
            head=self._head(),
        )
        return False


def verify_chain(
    records: Iterable[Mapping[str, Any]],
    *,
    after: ChainHead | None = None,
    anchor: ChainHead | None = None,
) -> ChainReport:
    """Verify records in seq order: numbering, links and hashes; stops at the first break."""
    verifier = ChainVerifier(after=after, anchor=anchor)
    for record in records:
        if not verifier.feed(record):
            break
    return verifier.report()
