"""Pure rules of CDEvents: structure, schemas and package URLs."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.pipelines import cdevents_rules as rules
from domain.pipelines.cdevents_schemas import SHIPPED, CdEventSchemas, pointer, shipped
from tests.conftest import skip_or_fail
from tests.domain.pipelines.evidence_support import STANDARDS, conformance, event

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def schemas() -> CdEventSchemas:
    return shipped()


def examples(version: str) -> list[Path]:
    """The spec's examples of a version (`examples/` in 0.3.0, `conformance/` later)."""
    root = STANDARDS.parent / f"v{version}"
    if not root.is_dir():
        skip_or_fail(f"the CDEvents {version} examples are not at {root}")
    return sorted([*root.glob("examples/*.json"), *root.glob("conformance/*.json")])


class TestEveryCdEventHasAStructure:
    def test_a_minimal_event_has_no_problem(self) -> None:
        assert rules.structure_problems(event("service.deployed")) == []

    def test_each_missing_part_is_named_by_its_pointer(self) -> None:
        body = event("service.deployed")
        del body["context"]["id"]
        body["context"]["timestamp"] = "27/11/2026"
        body["subject"]["content"] = "x"
        pointers = [p.pointer for p in rules.structure_problems(body)]
        assert pointers == ["/context/id", "/context/timestamp", "/subject/content"]

    @given(json_values)
    def test_any_json_at_all_is_judged_never_crashed_on(self, value: Any) -> None:
        assert isinstance(rules.structure_problems(value), list)

    def test_an_envelope_that_differs_from_the_context_is_a_problem(self) -> None:
        body = event("service.deployed", event_id="a")
        found = rules.envelope_problems(
            "b", body["context"]["source"], body["context"]["type"], body
        )
        assert [p.pointer for p in found] == ["/context/id"]


class TestTypes:
    def test_the_subject_and_predicate_are_read_from_the_type(self) -> None:
        assert rules.subject_predicate("dev.cdevents.service.deployed.0.3.0") == "service.deployed"
        assert rules.subject_predicate("dev.cdeventsx.mytool-resource.created.0.1.0") is None

    def test_deployments_incidents_artifacts_and_tests_have_effects(self) -> None:
        assert rules.effect_of("dev.cdevents.service.rolledback.0.3.0") is rules.Effect.DEPLOYMENT
        assert (
            rules.effect_of("dev.cdevents.incident.resolved.0.3.0") is rules.Effect.INCIDENT_RESOLVE
        )
        assert (
            rules.effect_of("dev.cdevents.pipelinerun.finished.0.2.0") is rules.Effect.PIPELINE_RUN
        )
        assert rules.effect_of("dev.cdevents.build.finished.0.2.0") is rules.Effect.STORE

    def test_the_custom_nfr_results_event_has_its_effect_whatever_its_producer(self) -> None:
        for producer in ("k6", "gatling", "Jmeter2"):
            event_type = f"dev.cdeventsx.{producer}-nfrresults.reported.0.1.3"
            assert rules.effect_of(event_type) is rules.Effect.NFR_RESULTS
            assert rules.acted_on_custom(event_type)
            assert rules.nfr_results_version(event_type) == "0.1"
        assert rules.nfr_results_version("dev.cdeventsx.k6-nfrresults.reported.1.0.0") == "1.0"
        for other in (
            "dev.cdeventsx.mytool-resource.created.0.1.0",
            "dev.cdeventsx.k6-nfrresults.created.0.1.0",
            "dev.cdeventsx.nfrresults.reported.0.1.0",
            "dev.cdevents.nfrresults.reported.0.1.0",
        ):
            assert rules.effect_of(other) is rules.Effect.STORE, other
            assert not rules.acted_on_custom(other) and rules.nfr_results_version(other) is None

    def test_the_body_hash_ignores_key_order(self) -> None:
        a = {"context": {"id": "1", "type": "t"}, "subject": {}}
        b = {"subject": {}, "context": {"type": "t", "id": "1"}}
        assert rules.body_hash(a) == rules.body_hash(b)


class TestSchemas:
    @pytest.mark.parametrize(("version", "count"), [("0.3.0", 39), ("0.4.1", 45), ("0.5.1", 45)])
    def test_every_example_of_each_shipped_version_validates_against_its_own_schemas(
        self, schemas: CdEventSchemas, version: str, count: int
    ) -> None:
        paths = examples(version)
        assert len(paths) == count and len(schemas.types(version)) == count
        for path in paths:
            body = orjson.loads(path.read_bytes())
            assert rules.structure_problems(body) == [], path.name
            assert schemas.release_for(rules.spec_version_of(body)) == version
            assert schemas.problems(version, body) == [], path.name
            assert schemas.knows(version, body["context"]["type"])

    def test_an_example_is_invalid_against_another_versions_schema(
        self, schemas: CdEventSchemas
    ) -> None:
        old = orjson.loads(
            (STANDARDS.parent / "v0.3.0" / "examples" / "build_started.json").read_bytes()
        )
        assert schemas.problems("0.3.0", old) == []
        old["context"]["type"] = "dev.cdevents.build.started.0.3.0"  # 0.5.1's type of it
        found = [(p.pointer, p.message) for p in schemas.problems("0.5.1", old)]
        assert ("/context", "'specversion' is a required property") in found
        assert (
            "/subject",
            "Additional properties are not allowed ('type' was unexpected)",
        ) in found

    def test_the_version_names_its_schemas_and_a_missing_patch_release_its_minor(
        self, schemas: CdEventSchemas
    ) -> None:
        assert schemas.versions == ("0.3.0", "0.4.1", "0.5.1")
        assert [schemas.release_for(v) for v in ("0.4.1", "0.4.0", "0.5.7", "0.3.0")] == [
            "0.4.1",
            "0.4.1",
            "0.5.1",
            "0.3.0",
        ]
        for unknown in ("0.2.0", "0.6.0", "0.6.0-draft", "1", ""):
            assert schemas.release_for(unknown) is None

    def test_an_override_directory_brings_its_own_versions(self) -> None:
        if not STANDARDS.parent.is_dir():
            skip_or_fail(f"the CDEvents schemas are not at {STANDARDS.parent}")
        every = CdEventSchemas.load(STANDARDS.parent)
        assert "0.6.0-draft" in every.versions
        draft = orjson.loads(
            (
                STANDARDS.parent / "draft-0.6.0" / "conformance" / "approval_created.json"
            ).read_bytes()
        )
        assert every.release_for(draft["context"]["specversion"]) == "0.6.0-draft"
        assert every.problems("0.6.0-draft", draft) == []
        assert shipped().release_for(draft["context"]["specversion"]) is None

    def test_a_violation_is_reported_with_its_json_pointer(self, schemas: CdEventSchemas) -> None:
        body = copy.deepcopy(conformance("service_deployed"))
        del body["subject"]["content"]["artifactId"]
        body["context"]["timestamp"] = "yesterday"
        found = {p.pointer: p.message for p in schemas.problems("0.5.1", body)}
        assert "/subject/content" in found and "artifactId" in found["/subject/content"]
        assert "/context/timestamp" in found

    def test_custom_types_are_unknown_but_checked_against_the_custom_schema(
        self, schemas: CdEventSchemas
    ) -> None:
        body = orjson.loads((STANDARDS / "custom" / "conformance.json").read_bytes())
        assert not schemas.knows("0.5.1", body["context"]["type"])
        assert schemas.problems("0.5.1", body) == []
        body["subject"]["content"] = "not an object"
        assert [p.pointer for p in schemas.problems("0.5.1", body)] == ["/subject/content"]

    def test_the_shipped_schemas_carry_their_licence(self) -> None:
        assert "Apache License" in (SHIPPED / "LICENSE").read_text()
        assert "cdevents/spec" in (SHIPPED / "NOTICE").read_text()

    def test_pointers_escape_slashes_and_tildes(self) -> None:
        assert pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"


class TestPackageUrls:
    def test_an_oci_purl_gives_digest_and_tag(self) -> None:
        found = rules.parse_purl(
            "pkg:oci/card-gateway@sha256%3A" + "a" * 64 + "?repository_url=r.example/x&tag=1.4.2"
        )
        assert found == rules.PackageRef("card-gateway", "1.4.2", "sha256:" + "a" * 64)

    def test_a_versioned_purl_has_no_digest(self) -> None:
        found = rules.parse_purl("pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c")
        assert found == rules.PackageRef("myapp", "234fd47e07d1004f0aed9c", None)

    @pytest.mark.parametrize("value", ["myapp", "pkg:", "pkg:oci", "https://x/y"])
    def test_what_is_not_a_purl_reads_as_none(self, value: str) -> None:
        assert rules.parse_purl(value) is None

    @given(st.text(max_size=60))
    def test_any_text_parses_or_reads_as_none(self, value: str) -> None:
        found = rules.parse_purl("pkg:" + value)
        assert found is None or isinstance(found.name, str)
