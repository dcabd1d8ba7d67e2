"""The latest signed checkpoint and its key in GraphQL, for auditors and the RMO only."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.api.conftest import Api
from tests.api.test_permission_matrix import USERS, expected

CHECKPOINT = """{ auditCheckpoint { treeSize headHash rootHash issuedAt keyId signature signedBody }
  auditCheckpointKey { keyId algorithm publicKey } }"""


class TestAnAuditorReadsTheLatestCheckpoint:
    async def test_it_verifies_under_the_published_key(self, api: Api) -> None:
        taken = await api.runtime.checkpointer.checkpoint()
        assert taken is not None

        data = await api.ok(CHECKPOINT, as_user="auditor")

        checkpoint, key = data["auditCheckpoint"], data["auditCheckpointKey"]
        assert checkpoint["treeSize"] >= taken.tree_size > 0
        assert checkpoint["keyId"] == key["keyId"] and key["algorithm"] == "Ed25519"
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["publicKey"]))
        public.verify(
            base64.b64decode(checkpoint["signature"]), checkpoint["signedBody"].encode("ascii")
        )
        assert f"tree_size {checkpoint['treeSize']}\n" in checkpoint["signedBody"]
        assert f"root {checkpoint['rootHash']}\n" in checkpoint["signedBody"]

    async def test_integrity_is_checked_against_the_checkpoint_log(self, api: Api) -> None:
        await api.runtime.checkpointer.checkpoint()
        data = await api.ok("{ auditTrailIntegrity { ok checkpoints } }", as_user="auditor")
        assert data["auditTrailIntegrity"]["ok"] is True
        assert data["auditTrailIntegrity"]["checkpoints"] >= 1


@pytest.mark.parametrize("role", list(USERS))
async def test_the_checkpoint_is_read_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    body = await api.gql("{ auditCheckpointKey { keyId } }", as_user=USERS[role])
    allowed = expected(role, "audit_trail", "read", org_level=True)
    if allowed:
        assert "errors" not in body, body
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
