"""Pure rules of definitions: safe parsing, validation with JSON paths, canonical hashes, diffs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.pipelines import definition_diff as diffs
from domain.pipelines import definition_rules as rules
from domain.pipelines.vocabulary import RunStatus
from tests.domain.pipelines.test_definition_world import V1, V2, V3, definition


def refusal(source: str, fmt: str = "yaml") -> DomainError:
    with pytest.raises(DomainError) as e:
        rules.parse_definition(source, fmt)
    return e.value


class TestTheCanonicalHash:
    def test_formatting_comments_and_key_order_do_not_change_it(self) -> None:
        reformatted = (
            "# deployed by the core team\n"
            "stages: [{gates: [static_analysis], environment_kind: test, name: build},\n"
            "         {name: prod, gates: [approvals], environment_kind: production}]\n"
        )
        assert rules.canonical_hash(reformatted) == rules.canonical_hash(V1)

    def test_the_same_document_in_json_has_the_same_hash_but_not_the_same_raw_hash(
        self,
    ) -> None:
        as_json = json.dumps(yaml.safe_load(V1), indent=4)
        from_yaml = rules.parse_definition(V1, "yaml")
        from_json = rules.parse_definition(as_json, "json")
        assert from_json.content_hash == from_yaml.content_hash
        assert from_json.raw_hash != from_yaml.raw_hash

    def test_the_raw_hash_is_the_sha256_of_the_bytes_registered(self) -> None:
        parsed = rules.parse_definition(V1)
        assert parsed.raw_hash == "sha256:" + hashlib.sha256(V1.encode()).hexdigest()

    def test_the_documented_one_liner_gives_the_hash_ci_reports(self) -> None:
        d = yaml.safe_load(V2)
        one_liner = hashlib.sha256(
            json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
        assert rules.canonical_hash(V2) == f"sha256:{one_liner}"

    def test_a_change_of_gates_or_their_order_changes_it(self) -> None:
        swapped = definition(
            ("build", "test", ["security_scan", "static_analysis"]),
            ("prod", "production", ["approvals"]),
        )
        hashes = {rules.canonical_hash(s) for s in (V1, V2, swapped)}
        assert len(hashes) == 3


class TestParsingIsSafe:
    def test_python_tags_are_refused_not_executed(self) -> None:
        e = refusal("stages: !!python/object/apply:os.system ['echo hi']\n")
        assert (e.code, e.field) == ("DEFINITION_UNPARSABLE", "source")

    def test_yaml_aliases_are_refused(self) -> None:
        source = "x: &a [1, 2]\nstages:\n  - name: b\n    environment_kind: test\n    gates: *a\n"
        assert refusal(source).code == "DEFINITION_UNPARSABLE"

    def test_a_definition_over_the_size_cap_is_refused(self) -> None:
        source = V1 + "#" + "x" * rules.MAX_SOURCE_BYTES
        assert refusal(source).code == "DEFINITION_TOO_LARGE"

    @pytest.mark.parametrize(
        ("source", "fmt"),
        [
            ("stages: [", "yaml"),
            ("{", "json"),
            ('{"stages": NaN}', "json"),
            ("a: 1\n---\nb: 2", "yaml"),
        ],
    )
    def test_text_that_does_not_parse_is_refused(self, source: str, fmt: str) -> None:
        assert refusal(source, fmt).code == "DEFINITION_UNPARSABLE"

    def test_an_unknown_format_is_refused(self) -> None:
        e = refusal(V1, "toml")
        assert (e.code, e.field) == ("INVALID_FORMAT", "format")


class TestValidation:
    def test_an_unknown_gate_is_refused_with_its_json_path(self) -> None:
        source = definition(
            ("build", "test", ["static_analysis"]), ("prod", "production", ["vibes"])
        )
        e = refusal(source)
        assert e.code == "UNKNOWN_GATE"
        assert "$.stages[1].gates[0]" in e.message and "'vibes'" in e.message

    def test_an_unknown_stage_key_is_refused_with_its_path(self) -> None:
        source = V1.replace("    gates:\n      - approvals", "    gate: [approvals]")
        e = refusal(source)
        assert e.code == "DEFINITION_INVALID"
        assert "$.stages[1]" in e.message and "'gate'" in e.message

    def test_an_unknown_top_level_key_is_refused(self) -> None:
        e = refusal(V1 + "owner: me\n")
        assert e.code == "DEFINITION_INVALID" and "'owner'" in e.message

    @pytest.mark.parametrize(
        "document",
        [
            [],
            {"stages": []},
            {"description": "no stages"},
            {"stages": [{"environment_kind": "test"}]},
            {"stages": [{"name": "a", "environment_kind": "moon"}]},
            {"stages": [{"name": "a", "environment": "Not A Key"}]},
            {"stages": [{"name": "a"}]},
            {"stages": [{"name": "a", "environment_kind": "test", "environment": "qa-1"}]},
            {"stages": [{"name": "a", "environment_kind": "test", "gates": "approvals"}]},
        ],
    )
    def test_a_malformed_document_is_refused(self, document: Any) -> None:
        e = refusal(json.dumps(document), "json")
        assert (e.code, e.field) == ("DEFINITION_INVALID", "source")
        assert e.message.startswith("$")

    def test_a_stage_named_twice_is_refused(self) -> None:
        source = definition(("build", "test", []), ("build", "staging", []))
        e = refusal(source)
        assert e.code == "DUPLICATE_STAGE" and "$.stages[1].name" in e.message

    def test_a_gate_listed_twice_is_refused(self) -> None:
        assert refusal(definition(("a", "test", ["freeze", "freeze"]))).code == "DUPLICATE_GATE"

    def test_a_stage_may_name_an_environment_by_key(self) -> None:
        doc = {"stages": [{"name": "qa", "environment": "payments-qa-2", "gates": []}]}
        parsed = rules.parse_definition(json.dumps(doc), "json")
        (stage,) = rules.stages_of(parsed.document)
        assert (stage.environment_key, stage.environment_kind) == ("payments-qa-2", None)

    def test_every_gate_of_the_vocabulary_is_accepted(self) -> None:
        parsed = rules.parse_definition(definition(("all", "production", list(rules.GATES))))
        assert rules.stages_of(parsed.document)[0].gates == rules.GATES


class TestHashesReportedByCi:
    def test_a_bare_or_uppercase_digest_is_normalized(self) -> None:
        hexed = "AB" * 32
        assert rules.normalize_hash(hexed) == "sha256:" + "ab" * 32
        assert rules.normalize_hash(f" sha256:{hexed} ") == "sha256:" + "ab" * 32

    @pytest.mark.parametrize("bad", ["sha1:" + "a" * 40, "sha256:xyz", "a" * 63, ""])
    def test_anything_else_is_refused(self, bad: str) -> None:
        with pytest.raises(DomainError) as e:
            rules.normalize_hash(bad)
        assert (e.value.code, e.value.field) == ("INVALID_HASH", "definitionHash")


class TestDiffs:
    def test_gates_added_to_a_stage_are_summarized_and_shown(self) -> None:
        old, new = (rules.parse_definition(s).document for s in (V1, V2))
        diff = diffs.diff_documents(old, new, old_label="v1", new_label="v2")
        (change,) = diff.stages_changed
        assert (change.stage, change.gates_added, change.gates_removed) == (
            "build",
            ("security_scan",),
            (),
        )
        assert diff.stages_added == diff.stages_removed == ()
        assert "+  - security_scan\n" in diff.unified
        assert diff.unified.startswith("--- v1\n+++ v2\n")

    def test_stages_added_removed_and_moved_to_another_environment(self) -> None:
        old, new = (rules.parse_definition(s).document for s in (V1, V3))
        diff = diffs.diff_documents(old, new, old_label="v1", new_label="v3", fmt="json")
        assert diff.stages_added == ("stage",)
        assert diff.stages_removed == ("prod",)
        (change,) = diff.stages_changed
        assert change.gates_removed == ("static_analysis",)
        removed = [line for line in diff.unified.splitlines() if line.startswith("-")]
        assert any('"static_analysis"' in line for line in removed)

    def test_a_definition_compared_with_itself_is_identical(self) -> None:
        doc = rules.parse_definition(V2).document
        assert diffs.diff_documents(doc, doc, old_label="a", new_label="b").identical


stage_names = st.text(alphabet="abcdefgh-", min_size=1, max_size=8)


def listable(kind: str) -> list[str]:
    """The gates a stage deploying to `kind` may list (production-only ones on production)."""
    return [g for g in rules.GATES if kind == "production" or g not in rules.PRODUCTION_ONLY]


documents = st.lists(
    st.tuples(stage_names, st.sampled_from(rules.KINDS)).flatmap(
        lambda nk: st.tuples(
            st.just(nk[0]),
            st.just(nk[1]),
            st.lists(st.sampled_from(listable(nk[1])), unique=True, max_size=6),
        )
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda s: s[0],
).map(
    lambda stages: {
        "stages": [{"name": n, "environment_kind": k, "gates": g} for n, k, g in stages]
    }
)


class TestProperties:
    @given(documents)
    def test_yaml_and_json_renderings_of_a_document_hash_alike(self, doc: dict[str, Any]) -> None:
        as_yaml = yaml.safe_dump(doc, sort_keys=False, default_flow_style=True)
        as_json = json.dumps(doc, sort_keys=True, indent=1)
        assert rules.canonical_hash(as_yaml) == rules.canonical_hash(as_json, "json")
        assert rules.canonical_hash(diffs.render(doc)) == rules.canonical_hash(as_yaml)

    @given(documents, documents)
    def test_what_one_diff_adds_the_reverse_diff_removes(
        self, a: dict[str, Any], b: dict[str, Any]
    ) -> None:
        forward = diffs.diff_documents(a, b, old_label="a", new_label="b")
        backward = diffs.diff_documents(b, a, old_label="b", new_label="a")
        assert set(forward.stages_added) == set(backward.stages_removed)
        assert forward.identical == backward.identical == (a == b)
        for f, r in zip(
            sorted(forward.stages_changed, key=lambda c: c.stage),
            sorted(backward.stages_changed, key=lambda c: c.stage),
            strict=True,
        ):
            assert (f.gates_added, f.gates_removed) == (r.gates_removed, r.gates_added)


class TestRunStatusMovesForward:
    @given(st.sampled_from(list(RunStatus)), st.sampled_from(list(RunStatus)))
    def test_a_finished_run_stays_finished(self, current: RunStatus, reported: RunStatus) -> None:
        result = rules.next_run_status(current, reported)
        assert result == (current if current in rules.TERMINAL else reported)
        if current in rules.TERMINAL:
            assert result is current


class TestTheGateVocabulary:
    def test_stages_name_the_same_gates_a_bypass_may_waive(self) -> None:
        # The gate keys live in compliance's bypass rules too; they must not drift apart.
        from domain.kernel.gates import GateKey

        assert set(rules.GATES) == {g.value for g in GateKey}
