"""Documentation completeness: a BU can only add requirements, never remove an org one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.governance import documentation as docs
from domain.kernel.errors import DomainError

KEYS = st.sampled_from(["rollback", "impact", "testing", "comms", "vendors"])
FIELDS = st.sampled_from(["plan", "criteria", "evidence", "owner"])
TYPES = st.sampled_from(["standard", "major", "hotfix"])
TIERS = st.sampled_from(["critical", "customer_facing", "internal"])


@st.composite
def templates(draw: st.DrawFn, org_level: bool) -> docs.Template:
    sections = {}
    for key in draw(st.lists(KEYS, min_size=1, max_size=3, unique=True)):
        fields = draw(
            st.lists(
                st.tuples(FIELDS, st.booleans()), min_size=1, max_size=3, unique_by=lambda f: f[0]
            )
        )
        sections[key] = {
            "key": key,
            "title": key,
            "fields": [{"key": f, "label": f, "required": r} for f, r in fields],
        }
    return docs.template_from(
        id=draw(st.uuids()).hex,
        key=draw(st.sampled_from(["readiness", "security", "payments"])),
        version=draw(st.integers(1, 5)),
        org_level=org_level,
        release_types=draw(st.sets(TYPES, max_size=2)),
        tiers=draw(st.sets(TIERS, max_size=2)),
        sections=list(sections.values()),
    )


documentation = st.dictionaries(
    KEYS, st.dictionaries(FIELDS, st.sampled_from(["", "  ", "written"]), max_size=4), max_size=5
)


class TestABuTemplateOnlyAddsRequirements:
    @given(
        org=st.lists(templates(org_level=True), max_size=3),
        bu=templates(org_level=False),
        release_type=TYPES,
        tiers=st.sets(TIERS, max_size=3),
        filled=documentation,
    )
    def test_adding_a_bu_template_never_reduces_the_required_or_missing_set(
        self,
        org: list[docs.Template],
        bu: docs.Template,
        release_type: str,
        tiers: set[str],
        filled: dict[str, dict[str, str]],
    ) -> None:
        before = docs.required(org, release_type, tiers)
        after = docs.required([*org, bu], release_type, tiers)
        assert set(before) <= set(after)
        assert set(docs.missing(before, filled)) <= set(docs.missing(after, filled))

    def test_an_optional_copy_of_an_org_field_does_not_make_it_optional(self) -> None:
        section = [
            {
                "key": "rollback",
                "title": "R",
                "fields": [{"key": "plan", "label": "P", "required": True}],
            }
        ]
        lenient = [
            {
                "key": "rollback",
                "title": "R",
                "fields": [{"key": "plan", "label": "P", "required": False}],
            }
        ]
        org = docs.template_from(
            id="1",
            key="readiness",
            version=1,
            org_level=True,
            release_types=[],
            tiers=[],
            sections=section,
        )
        bu = docs.template_from(
            id="2",
            key="readiness",
            version=1,
            org_level=False,
            release_types=[],
            tiers=[],
            sections=lenient,
        )
        assert [
            (r.template_key, r.field) for r in docs.required([org, bu], "standard", ["internal"])
        ] == [("readiness", "plan")]


class TestWhichTemplatesApply:
    def test_empty_lists_mean_all_and_any_shipped_tier_matches(self) -> None:
        t = docs.template_from(
            id="1",
            key="k",
            version=1,
            org_level=True,
            release_types=["major"],
            tiers=["critical"],
            sections=[],
        )
        assert docs.applies(t, "major", {"internal", "critical"})
        assert not docs.applies(t, "standard", {"critical"})
        assert not docs.applies(t, "major", {"internal"})
        assert not docs.applies(t, "major", set())
        everything = docs.template_from(
            id="2", key="k", version=1, org_level=True, release_types=[], tiers=[], sections=[]
        )
        assert docs.applies(everything, "hotfix", set())


class TestCompletenessListsExactlyWhatIsMissing:
    @given(t=templates(org_level=True), filled=documentation)
    def test_an_item_is_missing_exactly_when_its_text_is_blank(
        self, t: docs.Template, filled: dict[str, dict[str, str]]
    ) -> None:
        required = docs.required([t], "standard", {"internal"})
        missing = set(docs.missing(required, filled))
        for r in required:
            text = filled.get(r.section, {}).get(r.field, "")
            assert (r in missing) is (not text.strip())

    def test_merging_sets_and_clears_fields(self) -> None:
        merged = docs.merge_documentation({"a": {"x": "1"}}, [("a", "y", "2"), ("a", "x", " ")])
        assert merged == {"a": {"y": "2"}}
        assert docs.merge_documentation(merged, [("a", "y", "")]) == {}


class TestTemplateShape:
    def test_sections_need_unique_keys_and_fields(self) -> None:
        ok = docs.check_sections(
            [{"key": "s", "title": "S", "fields": [{"key": "f", "label": "F", "required": True}]}]
        )
        assert ok[0]["fields"][0] == {"key": "f", "label": "F", "required": True}
        for bad in (
            [],
            [{"key": "s", "title": "S", "fields": []}],
            [{"key": "S!", "title": "S", "fields": [{"key": "f", "label": "F"}]}],
            [
                {
                    "key": "s",
                    "title": "S",
                    "fields": [{"key": "f", "label": "F"}, {"key": "f", "label": "G"}],
                }
            ],
            [{"key": "s", "title": "S", "fields": [{"key": "f", "label": "F"}]}] * 2,
        ):
            with pytest.raises(DomainError) as refused:
                docs.check_sections(bad)
            assert refused.value.code == "INVALID_SECTIONS"
