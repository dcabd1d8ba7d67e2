"""The control mapping of evidence packs, as pure rules."""

from __future__ import annotations

from domain.compliance.evidence_rules import CONTROLS, classify, control_index, seal


class TestEachActEvidencesItsControls:
    def test_an_approval_evidences_authorization_before_production(self) -> None:
        kind, controls = classify("release", "release.approve")
        assert kind == "approval"
        assert "ITGC-CM-03" in controls

    def test_a_bypass_evidences_the_emergency_change_control(self) -> None:
        assert "ITGC-CM-05" in classify("bypass", "bypass.approve")[1]

    def test_every_mapped_control_is_in_the_catalog(self) -> None:
        for entity in ("release", "peer_review", "sign_off", "vote", "bypass", "unknown"):
            assert set(classify(entity, f"{entity}.x")[1]) <= set(CONTROLS)


class TestTheControlIndexShowsGapsToo:
    def test_a_control_without_evidence_is_listed_as_not_evidenced(self) -> None:
        item = {"controls": ["ITGC-CM-03"], "audit": {"seq": 7, "hash": "h"}}
        index = {c["id"]: c for c in control_index([item], [{"gate": "dr_test"}])}
        assert index["ITGC-CM-03"]["auditSeqs"] == [7]
        assert index["ITGC-CM-03"]["evidenced"] is True
        assert index["A.5.30"]["gates"] == ["dr_test"]
        assert index["ITGC-CM-05"]["evidenced"] is False


class TestTheSealChangesWithAnyByte:
    def test_the_digest_ignores_itself_and_nothing_else(self) -> None:
        doc = {"a": 1, "b": ["x"]}
        sealed = {**doc, "digest": seal(doc)}
        assert seal(sealed) == sealed["digest"]
        assert seal({**sealed, "b": ["y"]}) != sealed["digest"]
