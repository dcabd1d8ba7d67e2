"""Evidence packs: every act behind a release, with the audit records an auditor checks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import uuid4

from api.graphql.relay import from_global_id, to_global_id
from domain.compliance.evidence_rules import CONTROLS, seal
from tests.api.conftest import Api
from tests.api.governance_support import move, submitted

EXPORT = """mutation($i: ReleaseEvidencePackExportInput!) {
  releaseEvidencePackExport(input: $i) { pack digest htmlUrl errors { code message } } }"""
RECORDS = """query($e: String) {
  auditRecords(filter: {entityId: $e}, first: 100) { nodes { seq hash action entityId after } } }"""


async def _approved(api: Api) -> dict[str, Any]:
    rel = await submitted(api)
    moved = await move(api, rel, "Approve")
    assert moved["errors"] == [], moved
    return moved["release"]  # type: ignore[no-any-return]


async def _export(api: Api, release_id: str, as_user: str = "auditor") -> dict[str, Any]:
    body = await api.gql(EXPORT, {"i": {"releaseId": release_id}}, as_user=as_user)
    return body  # type: ignore[no-any-return]


class TestAnEvidencePackListsEveryActWithItsAuditRecord:
    async def test_the_approval_is_in_the_pack_with_the_controls_it_evidences(
        self, api: Api
    ) -> None:
        rel = await _approved(api)
        pack = (await _export(api, rel["id"]))["data"]["releaseEvidencePackExport"]["pack"]
        actions = [i["action"] for i in pack["items"]]
        assert actions[0] == "release.create"
        assert "release.submit" in actions and "release.approve" in actions
        approval = next(i for i in pack["items"] if i["action"] == "release.approve")
        assert approval["kind"] == "approval"
        assert approval["actor"] == "payments-admin"
        assert {"ITGC-CM-03", "A.8.32"} <= set(approval["controls"])
        controls = {c["id"]: c for c in pack["controls"]}
        assert approval["audit"]["seq"] in controls["ITGC-CM-03"]["auditSeqs"]
        assert set(controls) == set(CONTROLS)

    async def test_every_reference_matches_a_record_of_an_intact_chain(self, api: Api) -> None:
        rel = await _approved(api)
        pack = (await _export(api, rel["id"]))["data"]["releaseEvidencePackExport"]["pack"]
        entity = str(from_global_id(rel["id"]))
        data = await api.ok(RECORDS, {"e": entity}, as_user="auditor")
        chain = {n["seq"]: n["hash"] for n in data["auditRecords"]["nodes"]}
        release_items = [i for i in pack["items"] if i["entity"]["id"] == rel["id"]]
        assert release_items
        for item in release_items:
            assert chain[item["audit"]["seq"]] == item["audit"]["hash"]
        integrity = await api.ok("{ auditTrailIntegrity { ok headSeq } }", as_user="auditor")
        assert integrity["auditTrailIntegrity"]["ok"] is True
        assert integrity["auditTrailIntegrity"]["headSeq"] > pack["auditChain"]["headSeq"]

    async def test_the_digest_seals_the_pack_and_the_export_is_audited(self, api: Api) -> None:
        rel = await _approved(api)
        result = (await _export(api, rel["id"]))["data"]["releaseEvidencePackExport"]
        assert result["digest"] == result["pack"]["digest"] == seal(result["pack"])
        tampered = {**result["pack"], "generatedBy": "someone-else"}
        assert seal(tampered) != result["digest"]
        data = await api.ok(RECORDS, {"e": str(from_global_id(rel["id"]))}, as_user="auditor")
        exports = [
            n for n in data["auditRecords"]["nodes"] if n["action"] == "evidence_pack.export"
        ]
        assert [e["after"]["digest"] for e in exports] == [result["digest"]]

    async def test_gates_are_reported_as_they_stand(self, api: Api) -> None:
        rel = await _approved(api)
        pack = (await _export(api, rel["id"]))["data"]["releaseEvidencePackExport"]["pack"]
        gates = {g["gate"]: g for g in pack["gates"]}
        assert gates["documentation"]["status"] == "passed"
        assert gates["freeze"]["status"] == "pending"  # no planned window yet
        assert "ITGC-CM-01" in gates["documentation"]["controls"]


class TestThePackReadsAsAPage:
    async def test_html_and_json_from_the_machine_endpoint(self, api: Api) -> None:
        # By the global id the API hands out, as is and percent-encoded (its `=` padding) as
        # a client building the URL sends it; the raw UUID is in test_global_ids_api.
        rel = await _approved(api)
        headers = {"authorization": f"Bearer {api.token('auditor')}"}
        page = await api.http.get(f"/evidence/releases/{rel['id']}?format=html", headers=headers)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert rel["title"] in page.text and "ITGC-CM-03" in page.text
        assert page.headers["x-evidence-digest"] in page.text
        raw = await api.http.get(f"/evidence/releases/{quote(rel['id'], safe='')}", headers=headers)
        assert raw.status_code == 200, raw.text
        assert raw.json()["release"]["id"] == rel["id"]
        assert raw.json()["digest"] == raw.headers["x-evidence-digest"]
        assert "attachment" in raw.headers["content-disposition"]

    async def test_the_html_url_graphql_hands_out_names_the_global_id_and_opens(
        self, api: Api
    ) -> None:
        rel = await _approved(api)
        url = (await _export(api, rel["id"]))["data"]["releaseEvidencePackExport"]["htmlUrl"]
        assert url == f"/evidence/releases/{rel['id']}?format=html"
        headers = {"authorization": f"Bearer {api.token('auditor')}"}
        page = await api.http.get(url, headers=headers)
        assert page.status_code == 200 and rel["title"] in page.text

    async def test_bad_format_unknown_release_and_no_token_are_refused(self, api: Api) -> None:
        rel = await _approved(api)
        release_id = from_global_id(rel["id"])
        headers = {"authorization": f"Bearer {api.token('auditor')}"}
        bad = await api.http.get(f"/evidence/releases/{release_id}?format=pdf", headers=headers)
        assert bad.status_code == 400
        for absent in ("00000000-0000-0000-0000-000000000000", to_global_id("Release", uuid4())):
            missing = await api.http.get(f"/evidence/releases/{absent}", headers=headers)
            assert missing.status_code == 404
            assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        nobody = await api.http.get(f"/evidence/releases/{release_id}")
        assert nobody.status_code == 401


class TestOnlyThoseWhoAuditExportEvidence:
    async def test_engineers_viewers_sres_and_ci_are_refused(self, api: Api) -> None:
        rel = await _approved(api)
        for user in ("engineer", "viewer", "sre", "ci"):
            body = await _export(api, rel["id"], as_user=user)
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", user

    async def test_release_managers_approvers_admins_and_auditors_may(self, api: Api) -> None:
        rel = await _approved(api)
        for user in ("release-manager", "approver", "payments-admin", "auditor", "rmo"):
            body = await _export(api, rel["id"], as_user=user)
            assert body["data"]["releaseEvidencePackExport"]["errors"] == [], user


class TestEmergencyChangesAndReviewsAreInThePack:
    async def test_a_bypass_and_a_peer_review_map_to_their_controls(self, api: Api) -> None:
        from tests.api.test_compliance_controls_support import APPROVE, hotfix, requested, target
        from tests.api.test_risk_api import RECORD

        rel = await hotfix(api)
        made = await requested(api, rel=rel, env=await target(api))
        assert made["errors"] == [], made
        bypass = made["bypass"]
        approved = await api.gql(
            APPROVE, {"i": {"id": bypass["id"], "version": bypass["version"]}}, as_user="approver"
        )
        assert "errors" not in approved, approved
        review = {"releaseId": rel["id"], "verdict": "APPROVED", "comment": "Read it all."}
        assert "errors" not in await api.gql(RECORD, {"i": review}, as_user="sre")
        pack = (await _export(api, rel["id"]))["data"]["releaseEvidencePackExport"]["pack"]
        kinds = {i["action"]: i for i in pack["items"]}
        assert {"bypass.request", "bypass.approve", "bypass_review.open"} <= set(kinds)
        assert "ITGC-CM-05" in kinds["bypass.approve"]["controls"]
        assert {"ITGC-CM-02", "A.8.25"} <= set(kinds["peer_review.create"]["controls"])
        controls = {c["id"]: c for c in pack["controls"]}
        assert controls["ITGC-CM-05"]["evidenced"]
        assert kinds["bypass.approve"]["audit"]["seq"] in controls["ITGC-CM-05"]["auditSeqs"]
        gates = {g["gate"] for g in pack["gates"]}
        assert {"peer_review", "dr_test", "onboarding", "vendor_attestations"} <= gates
