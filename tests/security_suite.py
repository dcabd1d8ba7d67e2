"""Issue 14's security suite: the attacks tried against Signalbox, kept as tests that fail the
build when one regresses.

`make test` runs them with everything else; `.venv/bin/pytest -m security` runs only them.
tests/conftest.py marks every test under these node ids `security` (a file, or a class in
it); tests/test_security_suite.py fails when one of them no longer names a test.
"""

from __future__ import annotations

LIMITS = "tests/api/test_graphql_limits.py"
CHECKPOINTS = "tests/domain/compliance/test_checkpoints.py"
AUDIT_API = "tests/api/test_audit_checkpoints.py"
JWT = "tests/authz/test_jwt.py"

SUITE: dict[str, tuple[str, ...]] = {
    "expensive queries": (
        f"{LIMITS}::TestCost",
        f"{LIMITS}::TestResponseSize",
        "tests/api/test_document_cache.py",
        "tests/api/test_db_budget.py",
    ),
    "duplicated fields and validation bombs": (
        f"{LIMITS}::TestOneOccurrencePerSelectionSet",
        f"{LIMITS}::TestDirectivesPerLocation",
        f"{LIMITS}::TestIntrospectionDepth",
        f"{LIMITS}::TestTheTransportsLookAtTheOperation",
    ),
    "oversized texts": ("tests/api/test_graphql_text_limits.py",),
    "floods": ("tests/api/test_rate_limits.py", "tests/api/test_flood.py"),
    "alg-confusion and forged JWTs": (
        f"{JWT}::TestOnlyAllowedAsymmetricAlgorithms",
        f"{JWT}::TestSignatures",
        f"{JWT}::TestMalformedAndOversizedTokens",
        f"{JWT}::TestAFloodOfUnknownKidsIsRateLimited",
    ),
    "re-hashed audit tails": (
        f"{CHECKPOINTS}::TestAReHashedEditIsDetected",
        f"{CHECKPOINTS}::TestATruncatedTailIsDetected",
        f"{CHECKPOINTS}::TestACheckpointSignedWithAnotherKeyIsRefused",
        f"{AUDIT_API}::TestVerifyReadsTheCheckpointLogByDefault",
        f"{AUDIT_API}::TestTheStandaloneVerifierTakesACheckpoint",
    ),
    "secret-bearing replays and secrets at rest": (
        "tests/api/test_idempotency_exactly_once.py::TestSecretsAreNeverKeptInClear",
        "tests/api/test_secrets_at_rest.py",
    ),
    "another BU's data": ("tests/api/test_reservation_labels.py",),
    "development demo tokens": (
        "tests/api/test_demo_portal.py::TestDemoTokensOnlyForLoopbackAndSameOrigin",
    ),
    "graphql-http audit": ("tests/api/test_graphql_http_audit.py",),
}


def in_suite(nodeid: str) -> bool:
    """Whether the test `nodeid` (as pytest names it from the repository root) is listed."""
    return any(
        nodeid == listed or nodeid.startswith(f"{listed}::")
        for listed in (node for nodes in SUITE.values() for node in nodes)
    )
