"""RFC 9162 (Certificate Transparency 2.0) Merkle tree hashes over the audit trail (pure).

The leaves are the records in seq order; a record's leaf input is its chain hash (32 bytes), which
already commits to every field. `MTH` of section 2.1.1: the empty tree hashes to SHA-256 of
nothing, a leaf to SHA-256(0x00 || input), an inner node to SHA-256(0x01 || left || right), and a
tree of n > 1 leaves splits at the largest power of two smaller than n.

`Frontier` computes the root as records stream past, keeping only the roots of the perfect
subtrees of the tree so far (at most log2(n) hashes), so a checkpoint can be taken from the last
one's frontier plus the records since. `inclusion_proof` and `verify_inclusion` (section 2.1.3)
prove that one record is in a tree of a given root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def record_leaf(record_hash_hex: str) -> bytes:
    """The leaf input of an audit record: its chain hash as 32 bytes."""
    data = bytes.fromhex(record_hash_hex)
    if len(data) != 32:
        raise ValueError("a record hash is 64 hex digits")
    return data


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of the leaf inputs, recursively as the RFC defines it."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = _split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


@dataclass(frozen=True, slots=True)
class Frontier:
    """The roots of the perfect subtrees of a tree of `size` leaves, largest (leftmost) first.

    Their sizes are the binary digits of `size`, so there are as many as `size` has one bits.
    """

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.hashes) != self.size.bit_count():
            raise ValueError("a frontier holds one hash per one bit of its size")

    def extend(self, leaves: Iterable[bytes]) -> Frontier:
        """The frontier after appending these leaf inputs."""
        size, stack = self.size, list(self.hashes)
        for data in leaves:
            node = leaf_hash(data)
            merged = size
            # Each trailing one bit of the old size is a perfect subtree the new leaf completes.
            while merged & 1:
                node = node_hash(stack.pop(), node)
                merged >>= 1
            stack.append(node)
            size += 1
        return Frontier(size, tuple(stack))

    def root(self) -> bytes:
        """MTH of the tree: the subtrees folded from the right (the RFC's split makes it so)."""
        if not self.hashes:
            return EMPTY_ROOT
        node = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            node = node_hash(left, node)
        return node


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of section 2.1.3.1: the audit path of leaf `index` (0-based)."""
    if not 0 <= index < len(leaves):
        raise ValueError("the leaf is not in the tree")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(leaves[:k], index), root_of(leaves[k:])]
    return [*inclusion_proof(leaves[k:], index - k), root_of(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Section 2.1.3.2: whether the proof shows the leaf input at `index` in a tree of `root`."""
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    node = leaf_hash(leaf)
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == root
