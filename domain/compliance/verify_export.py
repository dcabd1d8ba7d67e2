#!/usr/bin/env python3
"""Verify a Signalbox audit-trail export on its own: Python 3.8+, standard library only.

    python verify_export.py export.jsonl            (or - to read standard input)
    python verify_export.py --complete export.jsonl (a full export: any gap is a break)
    python verify_export.py --anchor 1234:<hash> export.jsonl

Each line is one record: a JSON object with seq, occurred_at, actor_subject, actor_username,
token_id, action, entity_type, entity_id, bu_id, before, after, rule, request_id, prev_hash
and hash. For every record the script recomputes

    hash = SHA-256 hex of the canonical JSON of all fields but `hash`

where the canonical JSON has its keys sorted by code point, no whitespace (separators ","
and ":"), non-ASCII characters as UTF-8, no NaN or infinity; timestamps are ISO-8601 UTC
with microseconds and a 'Z' (2026-11-27T09:00:00.000000Z), UUIDs lowercase and hyphenated,
absent values null. It then checks that each record's prev_hash is the hash of the record
before it (the first record of the trail, seq 1, points at 64 zeros).

A filtered export (one business unit, a time range, ...) skips records: the gaps are listed
as such, each record's own hash is still verified, and links are checked wherever two
consecutive records are both present. An anchor is a (seq, hash) noted earlier, for example
a published head: the export must still contain exactly that record.

Exit status: 0 intact; 1 broken, after printing the first broken record's seq and the
reason; 2 when the file cannot be read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

GENESIS = "0" * 64
HASHED_FIELDS = (
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
RECORD_FIELDS = frozenset((*HASHED_FIELDS, "hash"))
GAPS_SHOWN = 20

HASH_MISMATCH = "HASH_MISMATCH"
PREV_HASH_MISMATCH = "PREV_HASH_MISMATCH"
SEQUENCE_GAP = "SEQUENCE_GAP"
SEQUENCE_NOT_INCREASING = "SEQUENCE_NOT_INCREASING"
MALFORMED_RECORD = "MALFORMED_RECORD"
ANCHOR_MISMATCH = "ANCHOR_MISMATCH"
TRUNCATED = "TRUNCATED"


# -- the canonical form (the same as domain/compliance/rules.py) ---------------------------


def canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: the audit trail hashes UTC instants only")
        utc = value.astimezone(timezone.utc)  # noqa: UP017 (datetime.UTC needs 3.11)
        return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    document = {name: canonical_value(fields[name]) for name in HASHED_FIELDS}
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def record_hash(fields: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical_bytes({**fields, "prev_hash": prev_hash})).hexdigest()


# -- reading the export ------------------------------------------------------------------------


class Malformed(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise Malformed("a key appears twice in one object")
    return document


def _no_constant(name: str) -> Any:
    raise Malformed(f"{name} is not JSON")


def parse_line(raw: bytes) -> dict[str, Any]:
    try:
        document = json.loads(
            raw.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_no_constant
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(str(exc)) from None
    if not isinstance(document, dict):
        raise Malformed("a line must be one JSON object")
    missing = RECORD_FIELDS - document.keys()
    unknown = document.keys() - RECORD_FIELDS
    if missing or unknown:
        raise Malformed(
            f"missing {sorted(missing) or 'nothing'}, unknown {sorted(unknown) or 'nothing'}"
        )
    seq = document["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise Malformed(f"seq is {seq!r}")
    return document


# -- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    gaps: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str | None
    first_broken_seq: int | None = None
    reason: str | None = None
    detail: str = ""
    line: int | None = None


@dataclass
class _Chain:
    """The chain walked so far, record by record."""

    complete: bool
    anchor: tuple[int, str] | None
    out: TextIO | None
    checked: int = 0
    gaps: int = 0
    first_seq: int | None = None
    last_seq: int = 0
    last_hash: str = GENESIS
    anchor_seen: bool = False

    def verdict(
        self, seq: int | None, reason: str | None, detail: str, line: int | None
    ) -> Verdict:
        return Verdict(
            ok=reason is None,
            checked=self.checked,
            gaps=self.gaps,
            first_seq=self.first_seq,
            last_seq=self.last_seq or None,
            last_hash=self.last_hash if self.last_seq else None,
            first_broken_seq=seq,
            reason=reason,
            detail=detail,
            line=line,
        )

    def step(self, record: dict[str, Any], line: int) -> Verdict | None:
        """Check one record against the chain so far: a verdict when it breaks the chain."""
        seq: int = record["seq"]
        broken = self._link(seq, record, line)
        if broken is not None:
            return broken
        try:
            computed = record_hash(record, record["prev_hash"])
        except (TypeError, ValueError) as exc:
            return self.verdict(seq, MALFORMED_RECORD, str(exc), line)
        if record["hash"] != computed:
            detail = f"stored hash {record['hash']!r}, recomputed {computed}"
            return self.verdict(seq, HASH_MISMATCH, detail, line)
        if self.anchor is not None and seq == self.anchor[0]:
            if computed != self.anchor[1]:
                return self.verdict(seq, ANCHOR_MISMATCH, f"anchored hash {self.anchor[1]}", line)
            self.anchor_seen = True
        if self.first_seq is None:
            self.first_seq = seq
        self.last_seq, self.last_hash = seq, computed
        self.checked += 1
        return None

    def _link(self, seq: int, record: dict[str, Any], line: int) -> Verdict | None:
        """The record follows the last one: the next seq (or a gap) and its hash."""
        last = self.last_seq
        if seq <= last:
            return self.verdict(seq, SEQUENCE_NOT_INCREASING, f"seq {seq} follows {last}", line)
        if seq > last + 1:
            expected = last + 1
            if self.complete:
                return self.verdict(
                    seq, SEQUENCE_GAP, f"expected seq {expected}, found {seq}", line
                )
            self.gaps += 1
            if self.out is not None and self.gaps <= GAPS_SHOWN:
                missing = str(expected) if seq - 1 == expected else f"{expected}..{seq - 1}"
                print(f"gap: seq {missing} not in this export", file=self.out)
        elif record["prev_hash"] != self.last_hash:
            detail = f"prev_hash {record['prev_hash']!r} is not the hash of seq {last}"
            return self.verdict(seq, PREV_HASH_MISMATCH, detail, line)
        return None

    def end(self) -> Verdict:
        """The verdict once every record is read: an anchor must have been met."""
        if self.anchor is not None and not self.anchor_seen:
            at = self.anchor[0]
            if self.last_seq < at:
                return self.verdict(
                    self.last_seq + 1, TRUNCATED, f"the export ends before seq {at}", None
                )
            detail = "the anchored record is not in the export"
            return self.verdict(at, ANCHOR_MISMATCH, detail, None)
        return self.verdict(None, None, "", None)


def verify(
    lines: Iterable[bytes],
    *,
    complete: bool = False,
    anchor: tuple[int, str] | None = None,
    out: TextIO | None = None,
) -> Verdict:
    """Verify the records of an export, in file order, stopping at the first break."""
    chain = _Chain(complete, anchor, out)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = parse_line(raw)
        except Malformed as exc:
            return chain.verdict(None, MALFORMED_RECORD, str(exc), number)
        broken = chain.step(record, number)
        if broken is not None:
            return broken
    return chain.end()


def _read_lines(source: str) -> Iterator[bytes]:
    if source == "-":
        yield from sys.stdin.buffer
        return
    with open(source, "rb") as handle:
        yield from handle


def _anchor(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise argparse.ArgumentTypeError("an anchor is SEQ:HASH, the hash 64 hex digits")
    return int(seq), digest.lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Signalbox audit-trail export.")
    parser.add_argument("export", help="the JSON Lines file, or - for standard input")
    parser.add_argument(
        "--complete", action="store_true", help="a full export: every seq from 1 must be there"
    )
    parser.add_argument("--anchor", type=_anchor, help="SEQ:HASH of a record noted earlier")
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        result = verify(
            _read_lines(args.export), complete=args.complete, anchor=args.anchor, out=out
        )
    except OSError as exc:
        print(f"cannot read {args.export}: {exc}", file=sys.stderr)
        return 2
    if not result.ok:
        where = "" if result.line is None else f" (line {result.line})"
        seq = "?" if result.first_broken_seq is None else result.first_broken_seq
        print(f"BROKEN at seq {seq}{where}: {result.reason}: {result.detail}", file=out)
        print(f"{result.checked} record(s) intact before it", file=out)
        return 1
    if result.checked == 0:
        print("INTACT: the export holds no records", file=out)
        return 0
    if result.gaps > GAPS_SHOWN:
        print(f"... and {result.gaps - GAPS_SHOWN} more gap(s)", file=out)
    whole = result.first_seq == 1 and result.gaps == 0
    print(
        f"INTACT: {result.checked} record(s), seq {result.first_seq}..{result.last_seq}, "
        f"{result.gaps} gap(s){'' if whole else ' (a partial export)'}; "
        f"last hash {result.last_hash}",
        file=out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
