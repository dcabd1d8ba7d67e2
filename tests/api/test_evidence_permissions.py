"""Every role against every evidence mutation and query family, per authz/PERMISSIONS.md.

As in test_environments_permissions: the demo users hold their roles in payments (rmo and
auditor org-wide); each mutation is tried in payments and must run exactly where the matrix
ticks. Each case gets fresh artifacts and secrets, so the domain's own rules never decide.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.evidence_support import REPORT, fresh_digest, service_id
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]
CREATE_SECRET = """
mutation($i: WebhookSecretCreateInput!) { webhookSecretCreate(input: $i) {
  webhookSecret { id version } errors { code } } }"""


async def _service(api: Api) -> dict[str, Any]:
    return {"service": await service_id(api), "bu": (await ids(api))["payments"]}


async def _secret(api: Api) -> dict[str, Any]:
    ctx = await _service(api)
    data = await api.ok(CREATE_SECRET, {"i": {"businessUnitId": ctx["bu"], "name": unique("s")}})
    return {**ctx, "secret": data["webhookSecretCreate"]["webhookSecret"]["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


def _artifact(c: dict[str, Any]) -> dict[str, Any]:
    d = fresh_digest()
    return {"serviceId": c["service"], "name": "card-gateway", "version": d[-12:], "digest": d}


EVIDENCE = [
    (
        "evidenceSecurityScanReport",
        "EvidenceSecurityScanInput",
        {"scanner": "t", "critical": 0, "high": 0},
    ),
    (
        "evidenceStaticAnalysisReport",
        "EvidenceStaticAnalysisInput",
        {"tool": "s", "qualityGatePassed": True},
    ),
    ("evidenceLicenceReport", "EvidenceLicenceInput", {"tool": "s", "licences": ["MIT"]}),
    (
        "evidencePerformanceReport",
        "EvidencePerformanceInput",
        {"benchmark": "b", "baseline": 1, "value": 1, "unit": "ms"},
    ),
    ("evidenceTestRunReport", "EvidenceTestRunInput", {"suite": "u", "passed": 1, "failed": 0}),
    (
        "evidenceIntegrationResultReport",
        "EvidenceIntegrationResultInput",
        {"window": "w", "suite": "s", "passed": True},
    ),
    (
        "evidenceMigrationDryRunReport",
        "EvidenceMigrationDryRunInput",
        {"tool": "a", "succeeded": True, "durationSeconds": 1},
    ),
]

MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    *[
        (
            name,
            "evidence",
            "create",
            _service,
            _m(name, t),
            lambda c, i=i: {"artifact": _artifact(c), **i},
        )
        for name, t, i in EVIDENCE
    ],
    (
        "webhookSecretCreate",
        "webhook",
        "create",
        _service,
        _m("webhookSecretCreate", "WebhookSecretCreateInput"),
        lambda c: {"businessUnitId": c["bu"], "name": unique("hook")},
    ),
    (
        "webhookSecretRevoke",
        "webhook",
        "revoke",
        _secret,
        _m("webhookSecretRevoke", "WebhookSecretRevokeInput"),
        lambda c: {"id": c["secret"], "version": 1},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_evidence_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


async def _evidence_exists(api: Api) -> None:
    ctx = await _service(api)
    await api.ok(
        REPORT, {"i": {"artifact": _artifact(ctx), "scanner": "t", "critical": 0, "high": 0}}
    )


QUERIES = [
    ("evidence", "{ artifacts(first: 1) { nodes { id } } }", lambda d: d["artifacts"]["nodes"]),
    ("cd_event", "{ cdEvents(first: 1) { nodes { id } } }", lambda d: d["cdEvents"]["nodes"]),
    ("webhook", "{ webhookSecrets { id } }", lambda d: d["webhookSecrets"]),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_evidence_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    await _evidence_exists(api)
    await _secret(api)
    await api.ok(
        "mutation($i: EvidenceTestRunInput!) { evidenceTestRunReport(input: $i) { errors { code } } }",
        {"i": {"artifact": _artifact(await _service(api)), "suite": "u", "passed": 1, "failed": 0}},
    )
    if resource == "cd_event":
        from tests.api.evidence_support import binary, cdevent

        body, headers = binary(cdevent("build.started"))
        headers |= {"authorization": f"Bearer {api.token('ci')}"}
        response = await api.http.post("/cdevents", content=body, headers=headers)
        assert response.status_code == 202, response.text
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
