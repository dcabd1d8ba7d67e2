"""Parity is a pure comparison: nothing diverges from itself, and sides mirror each other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.environments.parity_rules import Divergence, DivergenceKind, SnapshotFacts, divergences
from tests.world import digest

digests = st.integers(0, 3).map(digest)
services = st.sampled_from(["api", "web", "db", "batch"])
facts = st.builds(
    SnapshotFacts,
    helm_chart=st.sampled_from([None, "payments"]),
    helm_chart_version=st.sampled_from([None, "1.0.0", "1.1.0"]),
    helm_values_digest=st.none() | digests,
    terraform_serial=st.none() | st.integers(0, 3),
    terraform_digest=st.none() | digests,
    images=st.dictionaries(services, digests, max_size=4),
)


def _key(d: Divergence) -> tuple[str, str, str, str]:
    return (d.kind, d.service or "", d.left or "", d.right or "")


class TestParityProperties:
    @given(facts)
    def test_a_snapshot_is_in_parity_with_itself(self, a: SnapshotFacts) -> None:
        assert divergences(a, a) == []

    @given(st.none() | facts, st.none() | facts)
    def test_divergences_mirror_when_the_sides_swap(
        self, a: SnapshotFacts | None, b: SnapshotFacts | None
    ) -> None:
        there = sorted((d.mirrored() for d in divergences(a, b)), key=_key)
        back = sorted(divergences(b, a), key=_key)
        assert there == back


class TestDivergences:
    def test_every_kind_of_difference_is_listed_with_both_values(self) -> None:
        left = SnapshotFacts(
            helm_chart="pay",
            helm_chart_version="1.0.0",
            helm_values_digest=digest(1),
            terraform_serial=7,
            terraform_digest=digest(2),
            images={"api": digest(3), "web": digest(4), "db": digest(5)},
        )
        right = SnapshotFacts(
            helm_chart="pay",
            helm_chart_version="1.1.0",
            helm_values_digest=digest(9),
            terraform_serial=8,
            terraform_digest=digest(2),
            images={"api": digest(3), "web": digest(6), "batch": digest(7)},
        )
        found = {(d.kind, d.service): (d.left, d.right) for d in divergences(left, right)}
        assert found == {
            (DivergenceKind.HELM_CHART_VERSION, None): ("1.0.0", "1.1.0"),
            (DivergenceKind.HELM_VALUES_DIGEST, None): (digest(1), digest(9)),
            (DivergenceKind.TERRAFORM_SERIAL, None): ("7", "8"),
            (DivergenceKind.SERVICE_MISSING_LEFT, "batch"): (None, digest(7)),
            (DivergenceKind.SERVICE_MISSING_RIGHT, "db"): (digest(5), None),
            (DivergenceKind.IMAGE_DIGEST, "web"): (digest(4), digest(6)),
        }

    def test_a_missing_snapshot_is_never_parity(self) -> None:
        kinds = [d.kind for d in divergences(SnapshotFacts(), None)]
        assert kinds == [DivergenceKind.SNAPSHOT_MISSING_RIGHT]
