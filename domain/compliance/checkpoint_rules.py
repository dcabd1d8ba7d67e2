"""Signed checkpoints of the audit trail and their verification against the records (pure).

A checkpoint states, at `issued_at`, that the trail held `tree_size` records, that the last of
them hashed to `head_hash` and that the RFC 9162 Merkle tree over them has root `root`; the
statement is signed with Ed25519 by a key the database does not hold. Given the last checkpoint a
verifier trusts, a record rewritten and every later record re-hashed changes the head at
`tree_size` (and the root), and records removed from the end leave the chain shorter than
`tree_size`: both are detected, which a chain checked against itself cannot do.

The signed statement (verify_export.py builds the very same bytes, standalone):

    signalbox-audit-checkpoint/v1
    tree_size <decimal>
    head_hash <64 hex digits; 64 zeros for an empty trail>
    root <64 hex digits>
    issued_at <ISO-8601 UTC with microseconds and a 'Z'>
    key_id <16 hex digits: the first 8 bytes of SHA-256 of the raw public key>

each line ending with a line feed. `frontier` travels with a checkpoint unsigned: the roots of the
perfect subtrees, so the next checkpoint hashes only the records added since; it is used only
when it folds to the signed root.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.compliance import merkle
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.rules import (
    GENESIS,
    ChainBreak,
    ChainHead,
    ChainReport,
    ChainVerifier,
    format_instant,
)
from domain.kernel.errors import DomainError

FORMAT = "signalbox-audit-checkpoint/v1"


def key_id(public: Ed25519PublicKey) -> str:
    """Names a verification key: the first 8 bytes of SHA-256 of its 32 raw bytes, in hex."""
    return hashlib.sha256(raw_public(public)).hexdigest()[:16]


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes_raw()


def signed_body(tree_size: int, head_hash: str, root: str, issued_at: str, kid: str) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    lines = (
        FORMAT,
        f"tree_size {tree_size}",
        f"head_hash {head_hash}",
        f"root {root}",
        f"issued_at {issued_at}",
        f"key_id {kid}",
    )
    return "".join(f"{line}\n" for line in lines).encode("ascii")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement of the trail's size, head and Merkle root at one moment."""

    tree_size: int
    head_hash: str
    root: str
    issued_at: str
    """The canonical instant (ISO-8601 UTC, microseconds, 'Z'), exactly as signed."""
    key_id: str
    signature: str
    """Ed25519 over `body()`, base64."""
    frontier: tuple[str, ...] = field(default=(), compare=False)

    @property
    def head(self) -> ChainHead | None:
        return None if self.tree_size == 0 else ChainHead(self.tree_size, self.head_hash)

    def body(self) -> bytes:
        return signed_body(self.tree_size, self.head_hash, self.root, self.issued_at, self.key_id)

    def as_json(self) -> dict[str, Any]:
        """One line of the checkpoint log, and what witnesses receive."""
        return {
            "format": FORMAT,
            "tree_size": self.tree_size,
            "head_hash": self.head_hash,
            "root": self.root,
            "issued_at": self.issued_at,
            "key_id": self.key_id,
            "signature": self.signature,
            "frontier": list(self.frontier),
        }

    def usable_frontier(self) -> merkle.Frontier | None:
        """The carried frontier, when it is well formed and folds to the signed root."""
        try:
            frontier = merkle.Frontier(
                self.tree_size, tuple(bytes.fromhex(h) for h in self.frontier)
            )
        except ValueError:
            return None
        return frontier if frontier.root().hex() == self.root else None


def _malformed(detail: str) -> DomainError:
    return DomainError(f"Not a checkpoint: {detail}.", code=Code.CHECKPOINT_MALFORMED)


def _hex64(value: Any, name: str) -> str:
    if not isinstance(value, str) or len(value) != 64:
        raise _malformed(f"{name} is not 64 hex digits")
    try:
        bytes.fromhex(value)
    except ValueError:
        raise _malformed(f"{name} is not 64 hex digits") from None
    return value.lower()


def parse_checkpoint(document: Mapping[str, Any]) -> Checkpoint:
    """A checkpoint from its JSON form; CHECKPOINT_MALFORMED when a field is missing or wrong."""
    if document.get("format") != FORMAT:
        raise _malformed(f"format is not {FORMAT}")
    size = document.get("tree_size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _malformed("tree_size is not a count")
    issued_at, kid, signature = (document.get(k) for k in ("issued_at", "key_id", "signature"))
    if not all(isinstance(v, str) and v.isascii() and "\n" not in v for v in (issued_at, kid)):
        raise _malformed("issued_at and key_id are one line of text each")
    if not isinstance(signature, str):
        raise _malformed("signature is not base64")
    frontier = document.get("frontier", [])
    if not isinstance(frontier, list) or not all(isinstance(h, str) for h in frontier):
        raise _malformed("frontier is not a list of hashes")
    return Checkpoint(
        tree_size=size,
        head_hash=_hex64(document.get("head_hash"), "head_hash"),
        root=_hex64(document.get("root"), "root"),
        issued_at=str(issued_at),
        key_id=str(kid),
        signature=signature,
        frontier=tuple(frontier),
    )


class CheckpointSigner:
    """Signs checkpoints with an Ed25519 private key kept outside the database."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = CheckpointKey(private.public_key())

    def sign(self, frontier: merkle.Frontier, head_hash: str, at: datetime) -> Checkpoint:
        """The checkpoint of a trail whose records fold to `frontier` and end at `head_hash`."""
        root, issued_at = frontier.root().hex(), format_instant(at)
        body = signed_body(frontier.size, head_hash, root, issued_at, self.public.key_id)
        return Checkpoint(
            tree_size=frontier.size,
            head_hash=head_hash,
            root=root,
            issued_at=issued_at,
            key_id=self.public.key_id,
            signature=base64.b64encode(self._private.sign(body)).decode("ascii"),
            frontier=tuple(h.hex() for h in frontier.hashes),
        )


class CheckpointKey:
    """The verification key: checks that a checkpoint was signed by the matching private key."""

    def __init__(self, public: Ed25519PublicKey) -> None:
        self._public = public
        self.key_id = key_id(public)

    @classmethod
    def from_base64(cls, text: str) -> CheckpointKey:
        try:
            raw = base64.b64decode(text.strip(), validate=True)
            return cls(Ed25519PublicKey.from_public_bytes(raw))
        except (binascii.Error, ValueError):
            raise DomainError(
                "A verification key is 32 raw Ed25519 bytes in base64.",
                code=Code.CHECKPOINT_MALFORMED,
            ) from None

    @property
    def base64(self) -> str:
        return base64.b64encode(raw_public(self._public)).decode("ascii")

    def check(self, checkpoint: Checkpoint) -> None:
        """Raises CHECKPOINT_SIGNATURE_INVALID unless this key signed exactly this checkpoint."""
        if checkpoint.key_id != self.key_id:
            raise DomainError(
                f"The checkpoint of {checkpoint.issued_at} is signed with key {checkpoint.key_id}, "
                f"not this installation's key {self.key_id}: refused.",
                code=Code.CHECKPOINT_SIGNATURE_INVALID,
            )
        try:
            signature = base64.b64decode(checkpoint.signature, validate=True)
            self._public.verify(signature, checkpoint.body())
        except (binascii.Error, ValueError, InvalidSignature):
            raise DomainError(
                f"The checkpoint of {checkpoint.issued_at} does not verify under key "
                f"{self.key_id}: it was altered or forged; refused.",
                code=Code.CHECKPOINT_SIGNATURE_INVALID,
            ) from None


class CheckpointedVerifier:
    """Checks records in seq order from the first, against the chain and against checkpoints.

    At each checkpoint's size the record there must have the checkpoint's head hash and the
    Merkle tree so far its root; the chain must reach the largest checkpoint's size.
    """

    def __init__(self, checkpoints: Sequence[Checkpoint]) -> None:
        self._by_size: dict[int, list[Checkpoint]] = {}
        for cp in checkpoints:
            self._by_size.setdefault(cp.tree_size, []).append(cp)
        latest = max(checkpoints, key=lambda cp: cp.tree_size, default=None)
        self._chain = ChainVerifier(anchor=None if latest is None else latest.head)
        self._frontier = merkle.Frontier()
        self._break: ChainReport | None = None
        self._check_size(0)

    def feed(self, record: Mapping[str, Any]) -> bool:
        """Check the next record; False once something is broken."""
        if self._break is not None or not self._chain.feed(record):
            return False
        self._frontier = self._frontier.extend([merkle.record_leaf(record["hash"])])
        return self._check_size(self._frontier.size)

    def _check_size(self, size: int) -> bool:
        root = self._frontier.root().hex()
        for cp in self._by_size.get(size, ()):
            if size and cp.head_hash != self._chain_head_hash():
                return self._fail(size, ChainBreak.ANCHOR_MISMATCH, cp, "its head hash")
            if cp.root != root:
                return self._fail(size, ChainBreak.ROOT_MISMATCH, cp, "its Merkle root")
        return True

    def _chain_head_hash(self) -> str:
        head = self._chain.report().head
        return GENESIS if head is None else head.hash

    def _fail(self, size: int, reason: ChainBreak, cp: Checkpoint, what: str) -> bool:
        self._break = ChainReport(
            ok=False,
            checked=self._frontier.size - 1 if size else 0,
            first_broken_seq=size,
            reason=reason,
            detail=f"the records up to seq {size} do not match {what} in the checkpoint "
            f"of {cp.issued_at}: the trail was rewritten",
        )
        return False

    def report(self) -> ChainReport:
        return self._break if self._break is not None else self._chain.report()

    @property
    def frontier(self) -> merkle.Frontier:
        """The Merkle frontier of the records fed so far."""
        return self._frontier
