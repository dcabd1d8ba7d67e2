#!/usr/bin/env python3
"""Verify a Signalbox audit-trail export on its own: Python 3.8+, standard library only (and the
`cryptography` package to check a signed checkpoint).

    python verify_export.py export.jsonl            (or - to read standard input)
    python verify_export.py --complete export.jsonl (a full export: any gap is a break)
    python verify_export.py --anchor 1234:<hash> export.jsonl
    python verify_export.py --checkpoint CHECKPOINT_OR_LOG --public-key BASE64 export.jsonl

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

A checkpoint (or a log of them) is an anchor signed with Ed25519 (GraphQL `auditCheckpointKey`
gives the key): the export must be complete, hold its head at its size and fold to its RFC 9162
Merkle root (leaf: 0x00 || the record hash's 32 bytes); another key's checkpoint is refused.
The signed lines: the format, then `tree_size`, `head_hash`, `root`, `issued_at`, `key_id`.

Exit status: 0 intact; 1 broken, after printing the first broken record's seq and the
reason; 2 when the file cannot be read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import reduce
from typing import Any, TextIO

GENESIS = "0" * 64
# fmt: off
HASHED_FIELDS = (
    "seq", "occurred_at", "actor_subject", "actor_username", "token_id", "action",
    "entity_type", "entity_id", "bu_id", "before", "after", "rule", "request_id", "prev_hash",
)
# fmt: on
RECORD_FIELDS = frozenset((*HASHED_FIELDS, "hash"))
GAPS_SHOWN = 20

HASH_MISMATCH = "HASH_MISMATCH"
PREV_HASH_MISMATCH = "PREV_HASH_MISMATCH"
SEQUENCE_GAP = "SEQUENCE_GAP"
SEQUENCE_NOT_INCREASING = "SEQUENCE_NOT_INCREASING"
MALFORMED_RECORD = "MALFORMED_RECORD"
ANCHOR_MISMATCH = "ANCHOR_MISMATCH"
TRUNCATED = "TRUNCATED"
ROOT_MISMATCH = "ROOT_MISMATCH"
CHECKPOINT_FORMAT = "signalbox-audit-checkpoint/v1"


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


# -- signed checkpoints (the same as domain/compliance/checkpoint_rules.py and merkle.py) ------


class Refused(Exception):
    pass


class CannotCheck(Exception):
    pass


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def extend(frontier: list[bytes], size: int, record_hash_hex: str) -> None:
    """Append a leaf to the frontier (the perfect subtrees' roots) of a tree of `size` leaves."""
    node = hashlib.sha256(b"\x00" + bytes.fromhex(record_hash_hex)).digest()
    while size & 1:
        node, size = _node(frontier.pop(), node), size >> 1
    frontier.append(node)


def merkle_root(frontier: list[bytes]) -> str:
    """MTH of a tree of at least one leaf, from its frontier."""
    nodes = reversed(frontier[:-1])
    return reduce(lambda node, left: _node(left, node), nodes, frontier[-1]).hex()


def check_checkpoint(document: Any, public_key: bytes) -> tuple[int, str, str]:
    """(tree_size, head_hash, root) of a checkpoint this key signed; Refused otherwise."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        raise CannotCheck("checking a signature needs the cryptography package") from None
    fields = ("tree_size", "head_hash", "root", "issued_at", "key_id")
    if not isinstance(document, dict) or document.get("format") != CHECKPOINT_FORMAT:
        raise Refused(f"not a {CHECKPOINT_FORMAT} checkpoint")
    size, head, root, issued_at, kid = (document.get(name) for name in fields)
    if not isinstance(size, int) or not all(isinstance(v, str) for v in (head, root, kid)):
        raise Refused("a checkpoint field is missing")
    lines = [CHECKPOINT_FORMAT] + [f"{name} {document[name]}" for name in fields]
    body = "".join(line + "\n" for line in lines).encode("utf-8")
    try:
        signature = base64.b64decode(str(document.get("signature")), validate=True)
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, body)
    except (ValueError, InvalidSignature):
        expected = hashlib.sha256(public_key).hexdigest()[:16]
        why = "altered or forged" if kid == expected else f"signed with key {kid}, not {expected}"
        raise Refused(f"the checkpoint of {issued_at} does not verify: {why}") from None
    return size, str(head), str(root)


def read_checkpoints(path: str, key: str) -> dict[int, tuple[str, str]]:
    """The checkpoints of a file of JSON lines (a checkpoint, or the log), by size: (head, root)."""
    public_key = base64.b64decode(key, validate=True)
    with open(path, "rb") as handle:
        lines = [json.loads(line) for line in handle if line.strip()]
    checked = [check_checkpoint(document, public_key) for document in lines]
    return {size: (head, root) for size, head, root in checked}


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
    checkpoints: dict[int, tuple[str, str]] | None = None
    frontier: list[bytes] = field(default_factory=list)
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
        return self._against_checkpoint(seq, computed, line)

    def _against_checkpoint(self, seq: int, computed: str, line: int) -> Verdict | None:
        if self.checkpoints is None:
            return None
        extend(self.frontier, seq - 1, computed)
        head, root = self.checkpoints.get(seq, (computed, ""))
        if head != computed:
            return self.verdict(seq, ANCHOR_MISMATCH, f"the checkpoint signed head {head}", line)
        if root and root != merkle_root(self.frontier):
            return self.verdict(seq, ROOT_MISMATCH, f"the checkpoint signed root {root}", line)
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
    checkpoints: dict[int, tuple[str, str]] | None = None,
) -> Verdict:
    """Verify an export's records in file order (with checkpoints, complete), to the first break."""
    if checkpoints and anchor is None and max(checkpoints) > 0:
        anchor = (max(checkpoints), checkpoints[max(checkpoints)][0])
    complete = complete or checkpoints is not None
    chain = _Chain(complete, anchor, out, checkpoints)
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
    parser.add_argument("--checkpoint", help="a signed checkpoint, or a log of them")
    parser.add_argument("--public-key", help="the installation's Ed25519 key, base64")
    args = parser.parse_args(argv)
    out = sys.stdout
    if (args.checkpoint is None) != (args.public_key is None):
        parser.error("--checkpoint and --public-key go together")
    try:
        checkpoints = (
            read_checkpoints(args.checkpoint, args.public_key) if args.checkpoint else None
        )
        result = verify(
            _read_lines(args.export),
            complete=args.complete,
            anchor=args.anchor,
            out=out,
            checkpoints=checkpoints,
        )
    except Refused as exc:
        print(f"CHECKPOINT REFUSED: {exc}", file=out)
        return 1
    except (OSError, ValueError, CannotCheck) as exc:
        print(f"cannot read {args.export} or {args.checkpoint}: {exc}", file=sys.stderr)
        return 2
    return _report(result, checkpoints, out)


def _report(result: Verdict, checkpoints: dict[int, tuple[str, str]] | None, out: TextIO) -> int:
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
    if checkpoints:
        print(f"{len(checkpoints)} signed checkpoint(s) hold, to seq {max(checkpoints)}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
