"""The pure drift rule: matches, drift (which version) or unknown, by canonical or raw hash."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from domain.pipelines.drift import KnownVersion, drift_of
from domain.pipelines.vocabulary import DriftKind


def h(n: int) -> str:
    return f"sha256:{n:064x}"


def version(number: int, content: int, raw: int, status: str = "superseded") -> KnownVersion:
    return KnownVersion(uuid.uuid4(), number, h(content), h(raw), status)


V1 = version(1, 1, 101)
V2 = version(2, 2, 102, "active")
V3 = version(3, 3, 103, "proposed")
KNOWN = [V1, V2, V3]


class TestDriftOf:
    def test_the_active_canonical_hash_matches(self) -> None:
        found = drift_of(h(2), h(2), KNOWN)
        assert (found.kind, found.version) == (DriftKind.MATCHES, V2)
        assert "version 2" in found.reason

    def test_the_active_versions_raw_hash_matches_too(self) -> None:
        assert drift_of(h(2), h(102), KNOWN).kind is DriftKind.MATCHES

    def test_a_registered_version_that_is_not_active_is_drift_naming_it(self) -> None:
        found = drift_of(h(2), h(3), KNOWN)
        assert (found.kind, found.version) == (DriftKind.DRIFT, V3)
        assert "version 3 (proposed)" in found.reason

    def test_with_no_active_version_a_known_hash_is_drift(self) -> None:
        found = drift_of(None, h(1), KNOWN)
        assert (found.kind, found.version) == (DriftKind.DRIFT, V1)
        assert "no version was active" in found.reason

    def test_a_hash_never_registered_is_unknown(self) -> None:
        found = drift_of(h(2), h(999), KNOWN)
        assert (found.kind, found.version) == (DriftKind.UNKNOWN, None)
        assert "never registered" in found.reason

    def test_content_registered_twice_is_the_active_copy_when_one_is_active(self) -> None:
        again = version(4, 1, 104, "active")
        found = drift_of(h(1), h(1), [V1, again])
        assert (found.kind, found.version) == (DriftKind.MATCHES, again)


hashes = st.integers(min_value=0, max_value=8).map(h)


class TestProperties:
    @given(hashes, hashes, st.lists(st.tuples(hashes, hashes), max_size=5))
    def test_the_verdict_follows_whether_the_hash_is_known_and_active(
        self, active: str, reported: str, pairs: list[tuple[str, str]]
    ) -> None:
        known = [KnownVersion(uuid.uuid4(), i + 1, c, r) for i, (c, r) in enumerate(pairs)]
        found = drift_of(active, reported, known)
        matching = [v for v in known if reported in (v.content_hash, v.raw_hash)]
        if any(v.content_hash == active for v in matching):
            assert found.kind is DriftKind.MATCHES
        elif matching:
            assert found.kind is DriftKind.DRIFT and found.version in matching
        else:
            assert found.kind is DriftKind.UNKNOWN and found.version is None
