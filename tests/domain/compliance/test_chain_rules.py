"""The hash chain as pure rules: canonical form, hashes, and what verification catches."""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.compliance.rules import (
    GENESIS,
    HASHED_FIELDS,
    RECORD_FIELDS,
    ChainBreak,
    ChainHead,
    canonical_bytes,
    canonical_json,
    export_line,
    link,
    record_hash,
    verify_chain,
)

# -- strategies ------------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8"), max_size=24)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
json_objects = st.none() | st.dictionaries(texts, json_values, max_size=4)
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)
instants = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=zones
)
hashes = st.text("0123456789abcdef", min_size=64, max_size=64)

FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "seq": st.integers(min_value=-5, max_value=10**6),
    "occurred_at": instants,
    "actor_subject": texts,
    "actor_username": texts,
    "token_id": st.none() | st.uuids(),
    "action": texts,
    "entity_type": texts,
    "entity_id": texts,
    "bu_id": st.none() | st.uuids(),
    "before": json_objects,
    "after": json_objects,
    "rule": texts,
    "request_id": st.none() | texts,
    "prev_hash": hashes,
    "hash": hashes,
}
entry_fields = st.fixed_dictionaries(
    {
        name: strategy
        for name, strategy in FIELD_VALUES.items()
        if name not in ("seq", "prev_hash", "hash")
    }
)
chains = st.lists(entry_fields, min_size=1, max_size=8).map(lambda fields: link(fields, None))


def canonical(value: Any) -> bytes:
    return canonical_json({"v": value})


def copy(chain: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(record) for record in chain]


def head_of(chain: list[dict[str, Any]]) -> ChainHead:
    return ChainHead(chain[-1]["seq"], chain[-1]["hash"])


SAMPLE: dict[str, Any] = {
    "seq": 1,
    "occurred_at": datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
    "actor_subject": "person:rita",
    "actor_username": "rita",
    "token_id": None,
    "action": "release.approve",
    "entity_type": "release",
    "entity_id": "0b5c0f6e-5d55-4d1c-9a53-3c3f7a1f2b10",
    "bu_id": uuid.UUID("6f1c8c2e-2b7a-4c3e-8f35-0d3b9d5e7a41"),
    "before": {"state": "submitted"},
    "after": {"state": "approved", "board": "Sécurité"},
    "rule": "p, approver, *, release, update",
    "request_id": "req-1",
    "prev_hash": GENESIS,
}


# -- the canonical form ----------------------------------------------------------------------


class TestTheCanonicalForm:
    def test_is_sorted_compact_utf8_json_with_utc_instants_and_string_uuids(self) -> None:
        assert (
            canonical_bytes(SAMPLE)
            == (
                '{"action":"release.approve","actor_subject":"person:rita","actor_username":"rita",'
                '"after":{"board":"Sécurité","state":"approved"},"before":{"state":"submitted"},'
                '"bu_id":"6f1c8c2e-2b7a-4c3e-8f35-0d3b9d5e7a41",'
                '"entity_id":"0b5c0f6e-5d55-4d1c-9a53-3c3f7a1f2b10","entity_type":"release",'
                '"occurred_at":"2026-11-27T09:00:00.000000Z","prev_hash":"' + GENESIS + '",'
                '"request_id":"req-1","rule":"p, approver, *, release, update","seq":1,'
                '"token_id":null}'
            ).encode()
        )

    def test_the_hash_of_a_known_record_never_changes(self) -> None:
        # Auditors re-implement this; changing the canonical form breaks every old export.
        assert record_hash(SAMPLE, GENESIS) == hashlib.sha256(canonical_bytes(SAMPLE)).hexdigest()
        assert record_hash(SAMPLE, GENESIS) == (
            "f81ab3398060e84cd8f054f3d0dbb8df7e3062b3c4b82b40639240eff7f6c52f"
        )

    def test_the_same_instant_in_another_zone_hashes_the_same(self) -> None:
        elsewhere = SAMPLE["occurred_at"].astimezone(timezone(timedelta(hours=-5)))
        assert canonical_bytes({**SAMPLE, "occurred_at": elsewhere}) == canonical_bytes(SAMPLE)

    def test_the_hash_excludes_the_hash_itself_and_any_extra_column(self) -> None:
        noisy = {**SAMPLE, "hash": "f" * 64, "note": "not part of the record"}
        assert canonical_bytes(noisy) == canonical_bytes(SAMPLE)

    def test_every_field_but_the_hash_is_hashed(self) -> None:
        assert set(HASHED_FIELDS) == set(RECORD_FIELDS) - {"hash"}

    def test_a_naive_datetime_is_refused(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            canonical_bytes({**SAMPLE, "occurred_at": datetime(2026, 11, 27, 9, 0)})

    def test_a_number_json_cannot_carry_is_refused(self) -> None:
        with pytest.raises(ValueError):
            canonical_bytes({**SAMPLE, "after": {"score": math.nan}})

    def test_a_missing_field_is_refused(self) -> None:
        incomplete = {k: v for k, v in SAMPLE.items() if k != "rule"}
        with pytest.raises(ValueError, match="rule"):
            canonical_bytes(incomplete)

    def test_an_export_line_is_the_canonical_record_with_its_hash(self) -> None:
        (record,) = link([SAMPLE], None)
        line = export_line(record)
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        assert line[:-1] == canonical_json({name: record[name] for name in RECORD_FIELDS})


# -- linking and verifying -------------------------------------------------------------------


class TestALinkedChainVerifies:
    @given(chains)
    def test_every_linked_chain_is_intact(self, chain: list[dict[str, Any]]) -> None:
        report = verify_chain(chain)
        assert report.ok and report.reason is None
        assert report.checked == len(chain)
        assert report.head == head_of(chain)
        assert chain[0]["prev_hash"] == GENESIS
        assert [r["seq"] for r in chain] == list(range(1, len(chain) + 1))

    @given(chains, st.lists(entry_fields, min_size=1, max_size=4))
    def test_a_chain_continues_from_its_head(
        self, chain: list[dict[str, Any]], more: list[dict[str, Any]]
    ) -> None:
        tail = link(more, head_of(chain))
        assert verify_chain(tail, after=head_of(chain)).ok
        assert verify_chain(chain + tail).ok

    def test_an_empty_chain_is_intact(self) -> None:
        assert verify_chain([]) == verify_chain(iter(()))
        report = verify_chain([])
        assert report.ok and report.checked == 0 and report.head is None

    def test_verification_stops_reading_at_the_first_break(self) -> None:
        chain = link([SAMPLE] * 3, None)
        chain[1]["action"] = "release.reject"

        def records() -> Iterator[dict[str, Any]]:
            yield from chain[:2]
            raise AssertionError("read past the first break")

        report = verify_chain(records())
        assert report.first_broken_seq == 2

    def test_a_record_without_a_seq_is_malformed(self) -> None:
        report = verify_chain([{k: v for k, v in SAMPLE.items() if k != "seq"}])
        assert report.reason is ChainBreak.MALFORMED_RECORD
        assert report.first_broken_seq is None


class TestAnySingleFieldChangeIsDetected:
    @given(chains, st.data())
    def test_at_the_changed_record(self, chain: list[dict[str, Any]], data: st.DataObject) -> None:
        position = data.draw(st.integers(0, len(chain) - 1), label="position")
        field = data.draw(st.sampled_from(RECORD_FIELDS), label="field")
        old = chain[position][field]
        new = data.draw(FIELD_VALUES[field], label="new value")
        assume(canonical(new) != canonical(old))
        tampered = copy(chain)
        tampered[position][field] = new

        report = verify_chain(tampered)

        assert not report.ok
        assert report.checked == position
        assert report.first_broken_seq == tampered[position]["seq"]


class TestAnyDeletionIsDetected:
    @given(chains, st.data())
    def test_before_the_end_at_the_next_record(
        self, chain: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        assume(len(chain) >= 2)
        position = data.draw(st.integers(0, len(chain) - 2), label="position")
        tampered = copy(chain)
        del tampered[position]

        report = verify_chain(tampered)

        assert not report.ok
        assert report.reason is ChainBreak.SEQUENCE_GAP
        assert report.checked == position
        assert report.first_broken_seq == chain[position + 1]["seq"]

    @given(chains)
    def test_at_the_end_only_against_an_anchor(self, chain: list[dict[str, Any]]) -> None:
        # A chain cut short is still a valid chain: only a head noted earlier can tell.
        cut = chain[:-1]
        assert verify_chain(cut).ok
        report = verify_chain(cut, anchor=head_of(chain))
        assert not report.ok
        assert report.reason is ChainBreak.TRUNCATED
        assert report.first_broken_seq == chain[-1]["seq"]


class TestAnyInsertionIsDetected:
    @given(chains, st.data())
    def test_of_a_forged_record_before_any_real_one(
        self, chain: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        position = data.draw(st.integers(0, len(chain) - 1), label="position")
        fields = data.draw(entry_fields, label="forged fields")
        if data.draw(st.booleans(), label="forged with the algorithm"):
            # The forger knows the algorithm and links to the real predecessor.
            after = None if position == 0 else head_of(chain[:position])
            (forged,) = link([fields], after)
        else:
            forged = {
                **fields,
                "seq": data.draw(FIELD_VALUES["seq"]),
                "prev_hash": data.draw(hashes),
                "hash": data.draw(hashes),
            }
        tampered = copy(chain)
        tampered.insert(position, forged)

        report = verify_chain(tampered)

        assert not report.ok
        assert report.checked in (position, position + 1)


class TestAnySwapIsDetected:
    @given(chains, st.data())
    def test_of_two_records_in_the_stream(
        self, chain: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        assume(len(chain) >= 2)
        first = data.draw(st.integers(0, len(chain) - 2), label="first")
        second = data.draw(st.integers(first + 1, len(chain) - 1), label="second")
        tampered = copy(chain)
        tampered[first], tampered[second] = tampered[second], tampered[first]

        report = verify_chain(tampered)

        assert not report.ok
        assert report.checked == first
        assert report.first_broken_seq == chain[second]["seq"]

    @given(chains, st.data())
    def test_of_two_records_seq_numbers(
        self, chain: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        assume(len(chain) >= 2)
        first = data.draw(st.integers(0, len(chain) - 2), label="first")
        second = data.draw(st.integers(first + 1, len(chain) - 1), label="second")
        tampered = copy(chain)
        tampered[first]["seq"], tampered[second]["seq"] = chain[second]["seq"], chain[first]["seq"]
        tampered.sort(key=lambda record: record["seq"])  # as the database reads them back

        report = verify_chain(tampered)

        assert not report.ok
        assert report.reason is ChainBreak.PREV_HASH_MISMATCH
        assert report.first_broken_seq == chain[first]["seq"]


class TestAnAnchorCatchesARewrittenChain:
    @given(chains, st.data())
    def test_that_was_rehashed_from_a_changed_record_on(
        self, chain: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        position = data.draw(st.integers(0, len(chain) - 1), label="position")
        fields = [dict(record) for record in chain]
        fields[position]["action"] = chain[position]["action"] + " (rewritten)"
        rewritten = link(fields, None)
        # Without an anchor a full rewrite is a valid chain; the head noted earlier is not.
        assert verify_chain(rewritten).ok
        report = verify_chain(rewritten, anchor=head_of(chain))
        assert not report.ok
        assert report.reason is ChainBreak.ANCHOR_MISMATCH
        assert report.first_broken_seq == chain[-1]["seq"]

    def test_an_anchor_before_the_starting_point_is_refused(self) -> None:
        chain = link([SAMPLE] * 2, None)
        with pytest.raises(ValueError, match="anchor"):
            verify_chain(chain[1:], after=head_of(chain[:1]), anchor=head_of(chain[:1]))
