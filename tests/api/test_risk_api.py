"""Risk through GraphQL: the model and its versions, BU mappings, assessments, peer reviews.

The API database lives for the whole session: tests that save a core model put the built-in
values back afterwards, so other tests keep scoring with the documented defaults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.api.conftest import Api, ids
from tests.api.governance_support import audit_actions, new_bu, payload, person, release, services

ERR = "errors { code message field }"
REQUIREMENTS = "testSuites minApprovals disciplines peerReview boardDecision canaryMinutes"
MODEL = f"""version note factors {{ factor group weight cap }}
  changeTypeWeights {{ changeType weight }} thresholds {{ level minScore }}
  requirements {{ level requirements {{ {REQUIREMENTS} }} }} createdBy {{ username }}"""
MAPPING = f"""coreVersion overlayVersion businessUnit {{ key }}
  thresholds {{ level minScore }} requirements {{ level requirements {{ {REQUIREMENTS} }} }}
  sources {{ path source }} conflicts {{ path value bound message businessUnit {{ key }} }}"""
ASSESSMENT = f"""id score level modelVersion mappingVersion assessedAt assessedBy {{ username }}
  contributions {{ factor group input weight points explanation }}
  requirements {{ {REQUIREMENTS} }}
  facts {{ services consumers changeTypes firstRelease size {{ linesChanged filesChanged }} }}"""
REVIEW = "id verdict comment reference version reviewer { username } release { id }"
MODEL_UPDATE = f"""mutation($i: RiskModelUpdateInput!) {{ riskModelUpdate(input: $i) {{
  riskModel {{ {MODEL} }} overlayConflicts {{ path value bound businessUnit {{ key }} }} {ERR} }} }}"""
MAPPING_UPDATE = f"""mutation($i: RiskMappingBusinessUnitUpdateInput!) {{
  riskMappingBusinessUnitUpdate(input: $i) {{ riskMapping {{ {MAPPING} }} {ERR} }} }}"""
ASSESS = f"""mutation($i: ReleaseAssessRiskInput!) {{ releaseAssessRisk(input: $i) {{
  riskAssessment {{ {ASSESSMENT} }} {ERR} }} }}"""
RECORD = f"""mutation($i: PeerReviewRecordInput!) {{ peerReviewRecord(input: $i) {{
  peerReview {{ {REVIEW} }} {ERR} }} }}"""
RELEASE_RISK = f"""query($r: ID!) {{ releaseRisk(releaseId: $r) {{
  release {{ id }}
  assessment {{ {ASSESSMENT} }}
  assessments(first: 10) {{ nodes {{ id level }} pageInfo {{ hasNextPage }} }}
  peerReviews {{ {REVIEW} }}
  peerReviewRequirement {{ required changeTypes riskLevel byRiskLevel reason }} }} }}"""


async def current_version(api: Api) -> int:
    data = await api.ok("{ riskModel { version } }")
    return int(data["riskModel"]["version"])


async def restore_defaults(api: Api) -> None:
    """Save the built-in values again (a new version with the documented defaults)."""
    from domain.risk.model import DEFAULT_MODEL

    model = DEFAULT_MODEL
    await api.ok(
        MODEL_UPDATE,
        {
            "i": {
                "expectedVersion": await current_version(api),
                "note": "Back to the built-in values.",
                "factors": [
                    {"factor": f.name, "weight": w.weight, "cap": w.cap}
                    for f, w in model.weights.items()
                ],
                "changeTypeWeights": [
                    {"changeType": k.upper(), "weight": v}
                    for k, v in model.change_type_weights.items()
                ],
                "thresholds": [
                    {"level": lv.name, "minScore": v} for lv, v in model.mapping.thresholds.items()
                ],
                "requirements": [
                    {
                        "level": lv.name,
                        "testSuites": list(r.test_suites),
                        "minApprovals": r.min_approvals,
                        "disciplines": [d.upper() for d in r.disciplines],
                        "peerReview": r.peer_review,
                        "boardDecision": r.board_decision,
                        "canaryMinutes": r.canary_minutes,
                    }
                    for lv, r in model.mapping.requirements.items()
                ],
            }
        },
    )


@pytest.fixture
async def defaults_after(api: Api) -> AsyncIterator[None]:
    yield
    await restore_defaults(api)


async def payment_release(api: Api, author: dict[str, str] | None = None) -> dict[str, Any]:
    (svc,) = await services(api, "payments", tier="CRITICAL", data="PUBLIC", regions=["eu-1"])
    return await release(
        api,
        service_ids=[svc],
        changeTypes=["PAYMENT_LOGIC"],
        authorIds=[author["id"]] if author else [],
    )


def by_factor(assessment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["factor"]: c for c in assessment["contributions"]}


class TestThePaymentLogicScenario:
    async def test_scores_high_explains_and_needs_a_review_by_a_non_author(self, api: Api) -> None:
        author = await person(api, role="engineer")
        rel = await payment_release(api, author)
        assessed = payload(await api.gql(ASSESS, {"i": {"releaseId": rel["id"]}}))
        assert assessed["errors"] == []
        risk = assessed["riskAssessment"]
        assert risk["level"] in ("HIGH", "CRITICAL")
        factors = by_factor(risk)
        assert "critical" in factors["SERVICE_TIER"]["explanation"]
        assert "payment_logic" in factors["CHANGE_TYPES"]["explanation"]
        assert risk["requirements"]["peerReview"] is True
        assert "risk_assessment.create" in await audit_actions(api, risk["id"])

        refused = payload(
            await api.gql(
                RECORD,
                {"i": {"releaseId": rel["id"], "verdict": "APPROVED"}},
                as_user=author["username"],
            )
        )
        assert [e["code"] for e in refused["errors"]] == ["PEER_REVIEW_BY_AUTHOR"]

        data = await api.ok(RELEASE_RISK, {"r": rel["id"]})
        requirement = data["releaseRisk"]["peerReviewRequirement"]
        assert requirement["required"] and requirement["changeTypes"] == ["PAYMENT_LOGIC"]
        assert data["releaseRisk"]["peerReviews"] == []

        done = payload(
            await api.gql(
                RECORD,
                {
                    "i": {
                        "releaseId": rel["id"],
                        "verdict": "APPROVED",
                        "reference": "https://git.example/pr/7",
                    }
                },
                as_user="engineer",
            )
        )
        assert done["errors"] == []
        assert done["peerReview"]["reviewer"]["username"] == "engineer"
        data = await api.ok(RELEASE_RISK, {"r": rel["id"]})
        assert [r["verdict"] for r in data["releaseRisk"]["peerReviews"]] == ["APPROVED"]
        assert data["releaseRisk"]["assessment"]["id"] == risk["id"]


class TestAssessments:
    async def test_size_is_recorded_and_history_kept(self, api: Api) -> None:
        rel = await release(api, changeTypes=["UI"])
        for size in ({"linesChanged": 300, "filesChanged": 4}, None):
            body = await api.gql(ASSESS, {"i": {"releaseId": rel["id"], "size": size}})
            assert payload(body)["errors"] == []
        data = await api.ok(RELEASE_RISK, {"r": rel["id"]})
        risk = data["releaseRisk"]
        assert len(risk["assessments"]["nodes"]) == 2
        assert risk["assessment"]["facts"]["size"] == {"linesChanged": 300, "filesChanged": 4}
        assert by_factor(risk["assessment"])["SIZE"]["points"] == 3

    async def test_a_negative_size_is_refused_with_its_field(self, api: Api) -> None:
        rel = await release(api)
        body = await api.gql(ASSESS, {"i": {"releaseId": rel["id"], "size": {"linesChanged": -5}}})
        (error,) = payload(body)["errors"]
        assert (error["code"], error["field"]) == ("INVALID_SIZE", "size.linesChanged")

    async def test_a_release_of_another_bu_is_absent(self, api: Api) -> None:
        rel = await release(api, await new_bu(api), as_user="rmo")
        body = await api.gql(ASSESS, {"i": {"releaseId": rel["id"]}}, as_user="engineer")
        assert [e["code"] for e in payload(body)["errors"]] == ["NOT_FOUND"]
        data = await api.ok(RELEASE_RISK, {"r": rel["id"]}, as_user="engineer")
        assert data["releaseRisk"] is None

    async def test_assessments_and_reviews_are_nodes(self, api: Api) -> None:
        rel = await payment_release(api)
        risk = payload(await api.gql(ASSESS, {"i": {"releaseId": rel["id"]}}))["riskAssessment"]
        review = payload(
            await api.gql(
                RECORD,
                {"i": {"releaseId": rel["id"], "verdict": "CHANGES_REQUESTED", "comment": "Why?"}},
                as_user="engineer",
            )
        )["peerReview"]
        query = "query($id: ID!) { node(id: $id) { id ... on RiskAssessment { level } ... on PeerReview { verdict } } }"
        assert (await api.ok(query, {"id": risk["id"]}))["node"]["level"] == risk["level"]
        got = await api.ok(query, {"id": review["id"]})
        assert got["node"]["verdict"] == "CHANGES_REQUESTED"


class TestPeerReviews:
    async def test_a_second_verdict_replaces_the_first(self, api: Api) -> None:
        rel = await payment_release(api)
        variables = {"releaseId": rel["id"], "verdict": "CHANGES_REQUESTED", "comment": "Tests?"}
        first = payload(await api.gql(RECORD, {"i": variables}, as_user="sre"))["peerReview"]
        second = payload(
            await api.gql(RECORD, {"i": {**variables, "verdict": "APPROVED"}}, as_user="sre")
        )["peerReview"]
        assert second["id"] == first["id"] and second["version"] == 2
        actions = await audit_actions(api, first["id"])
        assert actions == ["peer_review.create", "peer_review.update"]

    async def test_changes_requested_without_a_comment_is_refused(self, api: Api) -> None:
        rel = await payment_release(api)
        body = await api.gql(
            RECORD, {"i": {"releaseId": rel["id"], "verdict": "CHANGES_REQUESTED"}}
        )
        assert [e["code"] for e in payload(body)["errors"]] == ["COMMENT_REQUIRED"]


class TestTheCoreModel:
    async def test_reading_the_model_in_force(self, api: Api) -> None:
        data = await api.ok(f"{{ riskModel {{ {MODEL} }} }}", as_user="viewer")
        model = data["riskModel"]
        assert [t["level"] for t in model["thresholds"]] == ["MEDIUM", "HIGH", "CRITICAL"]
        assert len(model["factors"]) == 14
        assert [r["level"] for r in model["requirements"]] == ["LOW", "MEDIUM", "HIGH", "CRITICAL"]

    async def test_a_save_adds_a_version_to_the_history(
        self, api: Api, defaults_after: None
    ) -> None:
        version = await current_version(api)
        body = await api.gql(
            MODEL_UPDATE,
            {
                "i": {
                    "expectedVersion": version,
                    "factors": [{"factor": "SIZE", "weight": 2, "cap": 10}],
                    "note": "Size matters more",
                }
            },
        )
        saved = payload(body)
        assert saved["errors"] == []
        assert saved["riskModel"]["version"] == version + 1
        assert saved["riskModel"]["createdBy"]["username"] == "rmo"
        size = next(f for f in saved["riskModel"]["factors"] if f["factor"] == "SIZE")
        assert (size["weight"], size["cap"]) == (2, 10)
        history = await api.ok("{ riskModelHistory(first: 500) { nodes { version note } } }")
        assert {"version": version + 1, "note": "Size matters more"} in history["riskModelHistory"][
            "nodes"
        ]

    async def test_a_stale_version_or_a_bad_model_is_refused(self, api: Api) -> None:
        version = await current_version(api)
        stale = await api.gql(MODEL_UPDATE, {"i": {"expectedVersion": version + 7}})
        assert [e["code"] for e in payload(stale)["errors"]] == ["VERSION_CONFLICT"]
        bad = await api.gql(
            MODEL_UPDATE,
            {"i": {"expectedVersion": version, "factors": [{"factor": "SERVICES", "weight": -1}]}},
        )
        (error,) = payload(bad)["errors"]
        assert (error["code"], error["field"]) == ("INVALID_WEIGHT", "factors.services.weight")
        unordered = await api.gql(
            MODEL_UPDATE,
            {"i": {"expectedVersion": version, "thresholds": [{"level": "HIGH", "minScore": 5}]}},
        )
        assert [e["code"] for e in payload(unordered)["errors"]] == [
            "RISK_THRESHOLDS_NOT_ASCENDING"
        ]
        assert await current_version(api) == version


class TestBusinessUnitMappings:
    async def test_only_tighter_values_are_saved_and_a_later_core_change_is_reported(
        self, api: Api, defaults_after: None
    ) -> None:
        bu = await new_bu(api)
        looser = await api.gql(
            MAPPING_UPDATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "expectedVersion": 0,
                    "requirements": [{"level": "HIGH", "minApprovals": 1}],
                }
            },
        )
        (error,) = payload(looser)["errors"]
        assert error["code"] == "RISK_MAPPING_LOOSER_THAN_CORE"
        assert error["field"] == "requirements.high.minApprovals"
        assert "1" in error["message"] and "2" in error["message"]

        saved = payload(
            await api.gql(
                MAPPING_UPDATE,
                {
                    "i": {
                        "businessUnitId": bu,
                        "expectedVersion": 0,
                        "thresholds": [{"level": "HIGH", "minScore": 15}],
                        "requirements": [{"level": "MEDIUM", "peerReview": True}],
                    }
                },
            )
        )
        assert saved["errors"] == []
        mapping = saved["riskMapping"]
        assert mapping["overlayVersion"] == 1
        sources = {s["path"]: s["source"] for s in mapping["sources"]}
        assert sources["thresholds.high"].startswith("bu:")
        assert sources["requirements.medium.peerReview"].startswith("bu:")
        assert sources["thresholds.medium"] == "core"

        version = await current_version(api)
        core = payload(
            await api.gql(
                MODEL_UPDATE,
                {
                    "i": {
                        "expectedVersion": version,
                        "thresholds": [{"level": "HIGH", "minScore": 12}],
                    }
                },
            )
        )
        assert core["errors"] == []
        mine = [c for c in core["overlayConflicts"] if c["path"] == "thresholds.high"]
        assert any(c["value"] == "15.0" and c["bound"] == "12.0" for c in mine)
        data = await api.ok(
            f"query($b: ID!) {{ riskMapping(businessUnitId: $b) {{ {MAPPING} }} }}", {"b": bu}
        )
        effective = data["riskMapping"]
        assert {t["level"]: t["minScore"] for t in effective["thresholds"]}["HIGH"] == 12
        assert [c["path"] for c in effective["conflicts"]] == ["thresholds.high"]

    async def test_another_bus_mapping_is_not_found(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        other = await new_bu(api)
        query = "query($b: ID!) { riskMapping(businessUnitId: $b) { overlayVersion } }"
        assert (await api.ok(query, {"b": bu}, as_user="engineer"))["riskMapping"]
        body = await api.gql(query, {"b": other}, as_user="engineer")
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
