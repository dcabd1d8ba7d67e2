"""The audit trail in GraphQL: integrity, the records you may read, and evidence packs."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.endpoints.evidence import evidence_url
from api.global_ids import (
    audited_entity_filter,
    audited_entity_id,
    from_id_or_uuid,
    pack_with_global_ids,
)
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import (
    Connection,
    Edge,
    Node,
    PageInfo,
    from_global_id,
    to_global_id,
)
from api.graphql.user_errors import COMPLIANCE, UserError
from domain.compliance import checkpoints
from domain.compliance import rules as chain
from domain.compliance import service as compliance
from domain.compliance.checkpoint_rules import Checkpoint, CheckpointKey
from domain.kernel.errors import DomainError
from domain.read import evidence_pack as evidence

run = MutationRunner(COMPLIANCE)

ChainBreak = strawberry.enum(chain.ChainBreak, description="Why the chain is broken at a record.")


@strawberry.type(description="The result of recomputing the whole hash chain.")
class AuditTrailIntegrity:
    ok: bool
    checked: int = strawberry.field(description="Records verified.")
    first_broken_seq: int | None
    reason: ChainBreak | None
    detail: str
    head_seq: int | None = strawberry.field(
        description="The last intact record; note it as an anchor."
    )
    head_hash: str | None
    checkpoints: int = strawberry.field(
        description="Signed checkpoints of the log the trail was checked against."
    )


@strawberry.type(
    description="A signed statement of the audit trail at one moment: its size, the hash of its "
    "last record and the RFC 9162 Merkle tree root over its records' hashes. Kept outside the "
    "database and sent to witnesses: a trail rewritten or cut short no longer matches it."
)
class AuditCheckpoint:
    tree_size: int = strawberry.field(description="Records covered: seq 1 to treeSize.")
    head_hash: str = strawberry.field(description="The hash of record treeSize (hex).")
    root_hash: str = strawberry.field(description="RFC 9162 MTH over the records' hashes (hex).")
    issued_at: datetime
    key_id: str = strawberry.field(description="The signing key (see auditCheckpointKey).")
    signature: str = strawberry.field(description="Ed25519 over signedBody, base64.")
    signed_body: str = strawberry.field(description="The exact text signed (UTF-8, LF lines).")

    @classmethod
    def of(cls, cp: Checkpoint) -> AuditCheckpoint:
        return cls(
            tree_size=cp.tree_size,
            head_hash=cp.head_hash,
            root_hash=cp.root,
            issued_at=datetime.fromisoformat(cp.issued_at),
            key_id=cp.key_id,
            signature=cp.signature,
            signed_body=cp.body().decode("ascii"),
        )


@strawberry.type(description="The key audit checkpoints are signed with: pin it to verify them.")
class AuditCheckpointKey:
    key_id: str
    algorithm: str = strawberry.field(description="Always Ed25519.")
    public_key: str = strawberry.field(description="The 32 raw public key bytes, base64.")


@strawberry.type(description="Who did what, when, to what, and which rule allowed it. Append-only.")
class AuditRecord(Node):
    id: strawberry.ID
    seq: int
    occurred_at: datetime
    actor_subject: str
    actor_username: str
    token_id: strawberry.ID | None
    action: str
    entity_type: str
    entity_id: str = strawberry.field(
        description="The global id of the entity, fetchable with `node(id:)` where its type has "
        "one; else its id as recorded."
    )
    entity_raw_id: str = strawberry.field(
        description="The entity's id as recorded.",
        deprecation_reason="Use entityId, a global id; the raw id goes in the next release.",
    )
    business_unit_id: strawberry.ID | None
    before: JSON | None = strawberry.field(
        description="The state before, as recorded (raw ids: the record's hash covers it)."
    )
    after: JSON | None = strawberry.field(
        description="The state after, as recorded (raw ids: the record's hash covers it)."
    )
    rule: str
    request_id: str | None
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, r: Any) -> AuditRecord:
        return cls(
            id=strawberry.ID(base64.urlsafe_b64encode(f"AuditRecord:{r.seq}".encode()).decode()),
            seq=r.seq,
            occurred_at=r.occurred_at,
            actor_subject=r.actor_subject,
            actor_username=r.actor_username,
            token_id=strawberry.ID(to_global_id("ApiToken", r.token_id)) if r.token_id else None,
            action=r.action,
            entity_type=r.entity_type,
            entity_id=audited_entity_id(r.entity_type, r.entity_id),
            entity_raw_id=r.entity_id,
            business_unit_id=strawberry.ID(to_global_id("BusinessUnit", r.bu_id))
            if r.bu_id
            else None,
            before=r.before,
            after=r.after,
            rule=r.rule,
            request_id=r.request_id,
            prev_hash=r.prev_hash,
            hash=r.hash,
        )


@strawberry.input
class AuditRecordFilter:
    occurred_from: datetime | None = None
    occurred_before: datetime | None = None
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The BU's global id (its raw UUID is still accepted, deprecated).",
    )
    actor_subject: str | None = None
    entity_type: str | None = None
    entity_id: str | None = strawberry.field(
        default=None,
        description="The entity's global id (its raw id is still accepted, deprecated).",
    )

    def to_domain(self) -> compliance.AuditFilter:
        return compliance.AuditFilter(
            occurred_from=self.occurred_from,
            occurred_before=self.occurred_before,
            bu_id=from_id_or_uuid(self.business_unit_id, "BusinessUnit", "businessUnitId")
            if self.business_unit_id
            else None,
            actor_subject=self.actor_subject,
            entity_type=self.entity_type,
            entity_id=audited_entity_filter(self.entity_id, self.entity_type)
            if self.entity_id
            else None,
        )


def _audit_connection(records: Sequence[Any], has_next: bool) -> Connection[AuditRecord]:
    """Audit records keyed by their sequence number, not by the generic cursor."""
    edges = [Edge(cursor=_seq_cursor(r.seq), node=AuditRecord.from_row(r)) for r in records]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
    )


def _seq_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode()


def _after_seq(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "seq":
            return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise DomainError("The cursor is not one this API gave out.", field="after")


@strawberry.type
class ComplianceQuery:
    @strawberry.field(
        description="Recompute the audit hash chain and check it against every signed checkpoint "
        "(auditors and the RMO)."
    )
    async def audit_trail_integrity(self, info: Info) -> AuditTrailIntegrity:
        checkpointer = info.context.runtime.checkpointer
        found = checkpointer.log.all()
        async with info.context.uow() as uow:
            report = await checkpoints.verify_against_checkpoints(
                uow, found, checkpointer.signer.public
            )
        return AuditTrailIntegrity(
            ok=report.ok,
            checked=report.checked,
            first_broken_seq=report.first_broken_seq,
            reason=report.reason,
            detail=report.detail,
            head_seq=report.head.seq if report.head else None,
            head_hash=report.head.hash if report.head else None,
            checkpoints=len(found),
        )

    @strawberry.field(
        description="The latest signed checkpoint of the audit trail; null before the first "
        "(auditors and the RMO)."
    )
    async def audit_checkpoint(self, info: Info) -> AuditCheckpoint | None:
        checkpointer = info.context.runtime.checkpointer
        async with info.context.uow() as uow:
            latest = checkpoints.latest_checkpoint(
                uow, checkpointer.log.latest(), checkpointer.signer.public
            )
        return None if latest is None else AuditCheckpoint.of(latest)

    @strawberry.field(description="The key that signs audit checkpoints (auditors and the RMO).")
    async def audit_checkpoint_key(self, info: Info) -> AuditCheckpointKey:
        async with info.context.uow() as uow:
            key: CheckpointKey = checkpoints.verification_key(
                uow, info.context.runtime.checkpointer.signer.public
            )
        return AuditCheckpointKey(key_id=key.key_id, algorithm="Ed25519", public_key=key.base64)

    @strawberry.field(
        description="Audit records in sequence order, limited to the BUs you may read."
    )
    async def audit_records(
        self,
        info: Info,
        filter: AuditRecordFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[AuditRecord]:
        async with info.context.uow() as uow:
            page = await compliance.audit_records(
                uow,
                (filter or AuditRecordFilter()).to_domain(),
                first=first,
                after_seq=_after_seq(after),
            )
            # The records are ORM rows of this unit of work: map them before it closes.
            return _audit_connection(page.records, page.has_next)


@strawberry.input
class ReleaseEvidencePackExportInput:
    release_id: strawberry.ID


@strawberry.type(description="An evidence pack and its digest; the export is in the audit trail.")
class ReleaseEvidencePackPayload:
    pack: JSON | None = strawberry.field(
        description="The pack (format signalbox.evidence-pack/2): items with audit seq and hash, "
        "gates, controls (SOX ITGC, ISO/IEC 27001:2022 Annex A) and the chain head; what it "
        "lists is named by global id."
    )
    digest: str | None = strawberry.field(description="SHA-256 of the pack's canonical JSON.")
    html_url: str | None = strawberry.field(description="Where to read the pack as a page.")
    errors: list[UserError]


@strawberry.type
class ComplianceMutation:
    @strawberry.mutation(
        description="Cut the evidence pack of a release for auditors (recorded in the audit trail)."
    )
    async def release_evidence_pack_export(
        self, info: Info, input: ReleaseEvidencePackExportInput
    ) -> ReleaseEvidencePackPayload:
        release_id = from_global_id(input.release_id, "Release", "releaseId")
        pack, errors = await run(
            info, lambda uow: evidence.export_evidence_pack(uow, release_id, pack_with_global_ids)
        )
        return ReleaseEvidencePackPayload(
            pack=pack,
            digest=pack["digest"] if pack else None,
            html_url=evidence_url(release_id, "html") if pack else None,
            errors=errors,
        )
