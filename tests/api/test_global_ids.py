"""Ids at the edge are global ids: no gate's evidence, recorded decision or audited entity
answers with a raw UUID, and each id names a type the schema has."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from api.global_ids import (
    AUDITED_TYPES,
    EVIDENCE_IDS,
    UUID_SHAPE,
    audited_entity_filter,
    audited_entity_id,
    from_id_or_uuid,
    to_global_id,
    type_of_global_id,
    with_global_ids,
)
from api.graphql.schema import build_schema
from domain.calendar.freezes import FreezeHit
from domain.compliance.bypass_rules import BypassFacts
from domain.governance.facts import BoardDecisionFacts
from domain.guardrails.fields import FIELDS
from domain.kernel.errors import DomainError
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.decision_rules import Decision, decide
from domain.pipelines.judge import judge
from domain.pipelines.promotions import document
from domain.pipelines.snapshot import Snapshot
from domain.risk.model import DEFAULT_MODEL
from domain.trains.facts import IntegrationFacts
from tests.domain.pipelines import control_probes as probes
from tests.domain.pipelines.test_judge import T0, _release, _risk

END = T0 + timedelta(hours=4)
LOOSEST: dict[str, Any] = {key: probes.loosest(f) for key, f in FIELDS.items()}


def raw_uuids(value: Any, path: str = "", quoted: str = "") -> Iterator[str]:
    """Where `value` (plain JSON) holds a UUID-shaped string: the paths (leaving out what is
    under the key `quoted`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != quoted:
                yield from raw_uuids(item, f"{path}.{key}", quoted)
    elif isinstance(value, list):
        for item in value:
            yield from raw_uuids(item, f"{path}[]", quoted)
    elif isinstance(value, str) and UUID_SHAPE.match(value):
        yield path


def scenarios() -> Iterator[Snapshot]:
    """Every guardrail field at its loosest and strictest, to every kind of environment; then
    a freeze binding, a board's decision and a departure's integration window."""
    for key, field in FIELDS.items():
        for value in (probes.loosest(field), probes.strictest(field)):
            for kind in EnvironmentKind:
                yield probes.scenario({**LOOSEST, key: value}, DEFAULT_MODEL.mapping, kind)
    s = probes.scenario(LOOSEST, DEFAULT_MODEL.mapping, EnvironmentKind.PRODUCTION)
    hit = FreezeHit(uuid.uuid4(), "Black Friday", T0, T0 + timedelta(days=2))
    assert s.of_release is not None
    decided = BoardDecisionFacts(uuid.uuid4(), "go", frozenset({"engineering", "product"}))
    release = _release(board_decisions=(decided,))
    riding = dataclasses.replace(
        s.of_release,
        release=release,
        risk=_risk(release, board_from="low"),
        integration=IntegrationFacts(uuid.uuid4(), None),
    )
    yield dataclasses.replace(s, freezes=(hit,), of_release=riding)


def decisions() -> Iterator[tuple[Snapshot, Decision]]:
    """Each scenario judged, then again with every waivable gate waived by a bypass."""
    for s in scenarios():
        d = judge(s, T0)
        yield s, d
        if s.release_id is None:
            continue
        gates = frozenset(o.gate for o in d.outcomes)
        bypass = BypassFacts(
            uuid.uuid4(), s.release_id, s.environment.id, gates, "approved", uuid.uuid4(), T0, END
        )
        yield s, decide(d.outcomes, [bypass], s.release_id, s.environment.id, T0)


class TestNoRawUuidInEvidence:
    def test_every_gate_evidence_and_recorded_decision_answers_in_global_ids(self) -> None:
        converted: set[str] = set()
        for s, d in decisions():
            recorded = document(s, d, T0)
            assert list(raw_uuids(with_global_ids(recorded))) == []
            converted |= {path.rpartition(".")[2] for path in raw_uuids(recorded)}
        # The walk met ids of every kind the scenarios give, so it is not vacuous.
        assert converted >= {
            "departureId",
            "evidenceIds[]",
            "freezes[]",
            "pipelineId",
            "procedureId",
            "releaseId",
            "serviceId",
            "sessionId",
            "signOffs[]",
            "soc2",
            "teamId",
            "vendorId",
            "waivedBy",
        }

    def test_the_ids_decode_to_the_type_the_key_names(self) -> None:
        sign_off = str(uuid.uuid4())
        converted = with_global_ids({"signOffs": [sign_off], "current": {"soc2": sign_off}})
        assert type_of_global_id(converted["signOffs"][0]) == ("SignOff", uuid.UUID(sign_off))
        assert type_of_global_id(converted["current"]["soc2"])[0] == "VendorAttestation"

    def test_a_promotions_changes_name_their_people_by_global_id(self) -> None:
        person = uuid.uuid4()
        change = {"ref": "abc", "authors": [{"id": str(person), "username": "ann"}]}
        assert with_global_ids(change)["authors"] == [
            {"id": to_global_id("Person", person), "username": "ann"}
        ]


CARRIED_BY = {"DeploymentHealthReport": "HealthReport"}
"""Id prefixes that name a type of another name (not a `Node`, but its ids are global)."""


class TestEveryMappedTypeIsInTheSchema:
    @pytest.mark.parametrize("type_name", sorted({*EVIDENCE_IDS.values(), *AUDITED_TYPES.values()}))
    def test_the_type_is_a_node_of_the_schema(self, type_name: str) -> None:
        definition = build_schema().get_type_by_name(CARRIED_BY.get(type_name, type_name))
        assert definition is not None, type_name
        interfaces = {i.name for i in getattr(definition, "interfaces", [])}
        assert type_name in CARRIED_BY or "Node" in interfaces


class TestAuditedEntities:
    def test_an_entity_with_a_type_answers_its_global_id(self) -> None:
        release = uuid.uuid4()
        assert audited_entity_id("release", str(release)) == to_global_id("Release", release)

    def test_an_entity_without_a_type_keeps_its_recorded_id(self) -> None:
        assert audited_entity_id("vote", "a-b") == "a-b"

    def test_the_filter_takes_a_global_id_or_the_raw_uuid(self) -> None:
        release = uuid.uuid4()
        assert audited_entity_filter(to_global_id("Release", release), None) == str(release)
        assert audited_entity_filter(to_global_id("Release", release), "release") == str(release)
        assert audited_entity_filter(str(release), "release") == str(release)

    def test_the_filter_refuses_garbage_and_an_id_of_another_type(self) -> None:
        with pytest.raises(DomainError, match="not a Signalbox id"):
            audited_entity_filter("garbage", None)
        with pytest.raises(DomainError, match="not the id of a Release"):
            audited_entity_filter(to_global_id("Train", uuid.uuid4()), "release")


class TestIdOrUuid:
    def test_both_forms_name_the_same_release(self) -> None:
        release = uuid.uuid4()
        assert from_id_or_uuid(to_global_id("Release", release), "Release", "id") == release
        assert from_id_or_uuid(str(release), "Release", "id") == release

    def test_garbage_is_refused_naming_the_field(self) -> None:
        with pytest.raises(DomainError) as refused:
            from_id_or_uuid("nope", "Release", "releaseId")
        assert refused.value.field == "releaseId"
