"""The retired `readiness` gate key: a deprecated alias of `release_status`. A definition listing
it is accepted with a warning naming its JSON path, and a stored one keeps meaning what it meant:
its stage lists `release_status`, which the decision judges and names the stage for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateKey, failed
from domain.pipelines import definition_rules as rules
from domain.pipelines import stage_gates
from domain.pipelines.definition_models import DefinitionVersion
from domain.pipelines.definition_schema import DEPRECATED_GATES, published_schema
from tests.domain.pipelines.test_definition_world import DefinitionsWorld, definition

LEGACY = definition(
    ("build", "test", ["static_analysis"]), ("prod", "production", ["approvals", "readiness"])
)


class TestTheAliasInValidation:
    def test_a_definition_listing_readiness_is_accepted_with_a_warning(self) -> None:
        parsed = rules.parse_definition(LEGACY)
        (warning,) = parsed.warnings
        assert warning.startswith("$.stages[1].gates[1]: gate 'readiness' is deprecated")
        assert "'release_status'" in warning

    def test_the_document_and_its_hash_stay_as_written(self) -> None:
        parsed = rules.parse_definition(LEGACY)
        assert parsed.document["stages"][1]["gates"] == ["approvals", "readiness"]
        assert parsed.content_hash == rules.sha256(rules.canonical_json(parsed.document))

    def test_its_stage_lists_the_gate_the_alias_means(self) -> None:
        stages = rules.validate_document(rules.parse_definition(LEGACY).document)
        assert stages[1].gates == ("approvals", GateKey.RELEASE_STATUS)
        assert rules.stages_of(rules.parse_definition(LEGACY).document) == stages

    def test_a_definition_without_the_alias_has_no_warning(self) -> None:
        source = definition(("prod", "production", ["release_status"]))
        assert rules.parse_definition(source).warnings == ()

    def test_the_alias_next_to_the_gate_it_means_is_a_duplicate(self) -> None:
        source = definition(("prod", "production", ["release_status", "readiness"]))
        with pytest.raises(DomainError) as e:
            rules.parse_definition(source)
        assert e.value.code == "DUPLICATE_GATE"
        assert "$.stages[0].gates" in e.value.message and "release_status" in e.value.message

    def test_the_alias_is_production_only_like_the_gate_it_means(self) -> None:
        source = definition(("stage", "staging", ["readiness"]))
        with pytest.raises(DomainError) as e:
            rules.parse_definition(source)
        assert e.value.code == "GATE_PRODUCTION_ONLY"

    def test_an_unknown_gate_is_still_refused(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.parse_definition(definition(("prod", "production", ["readyness"])))
        assert e.value.code == "UNKNOWN_GATE"

    def test_the_published_schema_accepts_and_documents_the_alias(self) -> None:
        gates = published_schema()["properties"]["stages"]["items"]["properties"]["gates"]
        assert "readiness" in gates["items"]["enum"]
        assert "readiness (now release_status)" in gates["description"]
        assert set(DEPRECATED_GATES.values()) <= {g.value for g in GateKey}
        assert not set(DEPRECATED_GATES) & {g.value for g in GateKey}


class TestAStoredDefinitionListingReadiness:
    async def test_keeps_listing_release_status_for_the_decision(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        registered = await world.register(pipeline, LEGACY)
        assert len(registered.warnings) == 1
        active = await world.review(registered.version)
        stored = await world.session.scalar(
            select(DefinitionVersion.document).where(DefinitionVersion.id == active.id)
        )
        assert stored["stages"][1]["gates"] == ["approvals", "readiness"]

        listings = await stage_gates.stage_listings(
            world.session, world.services["api"], "production", "prod-eu"
        )
        (listing,) = listings
        assert listing.gates == ("approvals", "release_status")
        listed = stage_gates.listed_by(listings)
        blocked = failed(GateKey.RELEASE_STATUS, "The release is not approved.")
        (named,) = stage_gates.name_stages([blocked], listed)
        assert named.reason.endswith(f"lists {GateKey.RELEASE_STATUS}.")
        assert named.evidence["listedBy"] == listing.label
