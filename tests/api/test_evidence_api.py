"""Evidence over GraphQL: reports, the artifact they create, its evidence and its gates."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.evidence_support import REPORT, fresh_digest, service_id
from tests.api.readiness_migrations_support import VOLUME

ARTIFACT = """
query($id: ID!) { node(id: $id) { ... on Artifact {
  name version digest service { key }
  evidence(first: 10) { nodes { kind subject passed details } pageInfo { hasNextPage } }
  gates { gate status reason } } } }"""


def artifact(service: str, version: str, digest: str) -> dict[str, Any]:
    return {"serviceId": service, "name": "card-gateway", "version": version, "digest": digest}


async def report(
    api: Api, mutation: str, input_type: str, i: dict[str, Any], **kw: Any
) -> dict[str, Any]:
    doc = f"""mutation($i: {input_type}!) {{ {mutation}(input: $i) {{
      evidence {{ id kind passed details }} artifact {{ id }} artifactCreated errors {{ code field }} }} }}"""
    body = await api.gql(doc, {"i": i}, **kw)
    return body["data"][mutation]  # type: ignore[no-any-return]


class TestReportingEvidence:
    async def test_every_kind_of_report_lands_on_one_artifact(self, api: Api) -> None:
        svc, digest = await service_id(api), fresh_digest()
        a = artifact(svc, f"2.{digest[-6:]}", digest)
        # The card gateway is tier 1: its benchmark counts only at production-like volume
        # (issue 16), so it runs at its production volume.
        volume = {"serviceId": svc, "rows": 48_000_000, "requestsPerSecond": 1800}
        await api.ok(VOLUME, {"i": volume}, as_user="sre")
        reports = [
            (
                "evidenceSecurityScanReport",
                "EvidenceSecurityScanInput",
                {"scanner": "trivy", "critical": 0, "high": 0},
            ),
            (
                "evidenceStaticAnalysisReport",
                "EvidenceStaticAnalysisInput",
                {"tool": "sonar", "qualityGatePassed": True},
            ),
            (
                "evidenceLicenceReport",
                "EvidenceLicenceInput",
                {"tool": "scancode", "licences": ["MIT", "Apache-2.0"]},
            ),
            (
                "evidencePerformanceReport",
                "EvidencePerformanceInput",
                {
                    "benchmark": "p99",
                    "baseline": 100,
                    "value": 104,
                    "unit": "ms",
                    "rows": 48_000_000,
                    "requestsPerSecond": 1800,
                },
            ),
            (
                "evidenceTestRunReport",
                "EvidenceTestRunInput",
                {"suite": "unit", "passed": 99, "failed": 0, "coveragePercent": 82},
            ),
            (
                "evidenceIntegrationResultReport",
                "EvidenceIntegrationResultInput",
                {"window": "PI-7", "suite": "e2e", "passed": True},
            ),
            (
                "evidenceMigrationDryRunReport",
                "EvidenceMigrationDryRunInput",
                {"tool": "alembic", "succeeded": True, "durationSeconds": 4.2},
            ),
        ]
        made = [await report(api, m, t, {"artifact": a, **i}, as_user="ci") for m, t, i in reports]
        assert all(r["errors"] == [] for r in made), made
        assert [r["artifactCreated"] for r in made] == [True] + [False] * 6
        assert len({r["artifact"]["id"] for r in made}) == 1
        assert made[3]["evidence"]["details"]["regressionPercent"] == 4.0
        data = await api.ok(ARTIFACT, {"id": made[0]["artifact"]["id"]}, as_user="viewer")
        node = data["node"]
        assert node["service"] == {"key": "card-gateway"} and len(node["evidence"]["nodes"]) == 7
        gates = {g["gate"]: g["status"] for g in node["gates"]}
        assert gates == {
            "security_scan": "PASSED",
            "static_analysis": "PASSED",
            "licences": "PASSED",
            "performance": "PASSED",
            "test_coverage": "PASSED",
            "migration_dry_run": "PASSED",
        }

    async def test_a_failing_scan_fails_its_gate_with_a_reason(self, api: Api) -> None:
        svc, digest = await service_id(api), fresh_digest()
        a = artifact(svc, f"3.{digest[-6:]}", digest)
        made = await api.ok(
            REPORT,
            {"i": {"artifact": a, "scanner": "grype", "critical": 2, "high": 0}},
            as_user="engineer",
        )
        data = await api.ok(ARTIFACT, {"id": made["evidenceSecurityScanReport"]["artifact"]["id"]})
        scan = next(g for g in data["node"]["gates"] if g["gate"] == "security_scan")
        assert scan["status"] == "FAILED" and "grype" in scan["reason"]
        coverage = next(g for g in data["node"]["gates"] if g["gate"] == "test_coverage")
        assert coverage["status"] == "PENDING"

    async def test_artifacts_are_listed_by_service(self, api: Api) -> None:
        svc, digest = await service_id(api, "fx-rates"), fresh_digest()
        await api.ok(
            REPORT,
            {
                "i": {
                    "artifact": artifact(svc, "1.0.0", digest),
                    "scanner": "trivy",
                    "critical": 0,
                    "high": 0,
                }
            },
        )
        data = await api.ok(
            "query($s: ID!) { artifacts(serviceId: $s) { nodes { digest version } } }", {"s": svc}
        )
        assert {"digest": digest, "version": "1.0.0"} in data["artifacts"]["nodes"]


class TestRefusals:
    async def test_a_bad_digest_names_the_field(self, api: Api) -> None:
        svc = await service_id(api)
        body = await api.gql(
            REPORT,
            {
                "i": {
                    "artifact": artifact(svc, "1.0", "sha1:abc"),
                    "scanner": "t",
                    "critical": 0,
                    "high": 0,
                }
            },
        )
        assert body["data"]["evidenceSecurityScanReport"]["errors"] == [
            {"code": "INVALID_DIGEST", "field": "artifact.digest"}
        ]

    async def test_a_digest_reported_under_another_version_is_a_mismatch(self, api: Api) -> None:
        svc, digest = await service_id(api), fresh_digest()
        await api.ok(
            REPORT,
            {
                "i": {
                    "artifact": artifact(svc, f"4.{digest[-6:]}", digest),
                    "scanner": "t",
                    "critical": 0,
                    "high": 0,
                }
            },
        )
        body = await api.gql(
            REPORT,
            {
                "i": {
                    "artifact": artifact(svc, f"5.{digest[-6:]}", digest),
                    "scanner": "t",
                    "critical": 0,
                    "high": 0,
                }
            },
        )
        assert (
            body["data"]["evidenceSecurityScanReport"]["errors"][0]["code"] == "ARTIFACT_MISMATCH"
        )

    async def test_another_business_units_service_reads_as_not_found(self, api: Api) -> None:
        svc = await service_id(api, "account-service", "retail")
        body = await api.gql(
            REPORT,
            {
                "i": {
                    "artifact": artifact(svc, "1.0", fresh_digest()),
                    "scanner": "t",
                    "critical": 0,
                    "high": 0,
                }
            },
            as_user="ci",
        )
        assert body["data"]["evidenceSecurityScanReport"]["errors"][0]["code"] == "NOT_FOUND"

    async def test_a_negative_count_is_refused(self, api: Api) -> None:
        svc = await service_id(api)
        body = await api.gql(
            REPORT,
            {
                "i": {
                    "artifact": artifact(svc, "1.0", fresh_digest()),
                    "scanner": "t",
                    "critical": -1,
                    "high": 0,
                }
            },
        )
        assert body["data"]["evidenceSecurityScanReport"]["errors"] == [
            {"code": "INVALID_COUNT", "field": "critical"}
        ]
