"""RFC 9162 Merkle tree hashes, held to the Certificate Transparency test vectors."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from domain.compliance import merkle

# The leaves and roots of RFC 6962's reference tests (certificate-transparency, merkle_tree_test).
LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
PATHS = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
leaf_lists = st.lists(st.binary(min_size=0, max_size=8), max_size=70)


class TestTheRootIsTheRfcs:
    def test_the_empty_tree_hashes_to_sha256_of_nothing(self) -> None:
        assert merkle.root_of([]) == hashlib.sha256(b"").digest() == merkle.Frontier().root()

    def test_every_reference_tree_size_gives_the_reference_root(self) -> None:
        for size in range(1, 9):
            assert merkle.root_of(LEAVES[:size]).hex() == ROOTS[size - 1], size

    def test_the_frontier_gives_the_same_roots_leaf_by_leaf(self) -> None:
        frontier = merkle.Frontier()
        for size, leaf in enumerate(LEAVES, start=1):
            frontier = frontier.extend([leaf])
            assert (frontier.size, frontier.root().hex()) == (size, ROOTS[size - 1])
            assert len(frontier.hashes) == bin(size).count("1")

    @given(leaf_lists, st.integers(0, 70))
    def test_extending_in_two_steps_is_extending_once(self, leaves: list[bytes], cut: int) -> None:
        cut = min(cut, len(leaves))
        stepwise = merkle.Frontier().extend(leaves[:cut]).extend(leaves[cut:])
        assert stepwise == merkle.Frontier().extend(leaves)
        assert stepwise.root() == merkle.root_of(leaves)

    def test_a_frontier_with_the_wrong_number_of_hashes_is_refused(self) -> None:
        try:
            merkle.Frontier(3, (b"x",))
        except ValueError:
            return
        raise AssertionError("a frontier of 3 leaves holds two subtree roots")


class TestInclusionProofs:
    def test_the_reference_audit_paths(self) -> None:
        for (index, size), path in PATHS.items():
            proof = merkle.inclusion_proof(LEAVES[:size], index)
            assert [p.hex() for p in proof] == path
            assert merkle.verify_inclusion(
                LEAVES[index], index, size, proof, bytes.fromhex(ROOTS[size - 1])
            )

    @given(leaf_lists.filter(bool), st.data())
    def test_every_leaf_is_proven_and_no_other(
        self, leaves: list[bytes], data: st.DataObject
    ) -> None:
        index = data.draw(st.integers(0, len(leaves) - 1))
        root, proof = merkle.root_of(leaves), merkle.inclusion_proof(leaves, index)
        assert merkle.verify_inclusion(leaves[index], index, len(leaves), proof, root)
        assert not merkle.verify_inclusion(leaves[index] + b"!", index, len(leaves), proof, root)
        wrong_root = merkle.root_of([*leaves, b"more"])
        assert not merkle.verify_inclusion(leaves[index], index, len(leaves), proof, wrong_root)
        if len(leaves) > 1:
            other = (index + 1) % len(leaves)
            if leaves[other] != leaves[index]:
                assert not merkle.verify_inclusion(leaves[index], other, len(leaves), proof, root)

    def test_an_index_outside_the_tree_is_refused(self) -> None:
        assert not merkle.verify_inclusion(LEAVES[0], 8, 8, [], bytes.fromhex(ROOTS[7]))
