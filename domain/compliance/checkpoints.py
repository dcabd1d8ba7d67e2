"""Use cases of signed checkpoints: take one over the trail's head, verify the trail against them,
and hand one to the outbox for external witnesses. Nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence

from domain.compliance import merkle
from domain.compliance import repository as repo
from domain.compliance.checkpoint_rules import (
    Checkpoint,
    CheckpointedVerifier,
    CheckpointKey,
    CheckpointSigner,
)
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.rules import GENESIS, ChainBreak, ChainReport, ChainVerifier
from domain.kernel import outbox
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork

WITNESS_TOPIC = "audit.checkpoint"
"""The outbox topic (and webhook topic) that carries each new checkpoint to witnesses."""


async def take_checkpoint(
    uow: UnitOfWork, signer: CheckpointSigner, last: Checkpoint | None = None
) -> Checkpoint:
    """Sign the trail's current size, head and Merkle root (org-wide readers only).

    The records must still continue `last` (the latest checkpoint): the record at its size keeps
    its head hash and the chain is intact from there; otherwise nothing is signed and the refusal
    (AUDIT_TRAIL_BROKEN) names the first broken record. Only the records after `last` are read
    when its frontier is usable; the first checkpoint reads the whole trail.
    """
    uow.authorize(Action.READ, Resource.AUDIT_TRAIL, None)
    if last is not None:
        signer.public.check(last)
    frontier = None if last is None else last.usable_frontier()
    if last is None or frontier is None:
        verifier = CheckpointedVerifier([] if last is None else [last])
        async for record in repo.stream_records(uow.session):
            if not verifier.feed(record):
                break
        report, frontier = verifier.report(), verifier.frontier
    else:
        report, frontier = await _continue(uow, last, frontier)
    if not report.ok:
        raise DomainError(
            f"The audit trail is broken at record {report.first_broken_seq} ({report.reason}: "
            f"{report.detail}); no checkpoint is signed over it.",
            code=Code.AUDIT_TRAIL_BROKEN,
        )
    head_hash = GENESIS if report.head is None else report.head.hash
    return signer.sign(frontier, head_hash, uow.clock.now())


async def _continue(
    uow: UnitOfWork, last: Checkpoint, frontier: merkle.Frontier
) -> tuple[ChainReport, merkle.Frontier]:
    """Check the records after `last` and fold them into its frontier."""
    if last.head is not None:
        stored = await repo.hash_at(uow.session, last.tree_size)
        if stored != last.head_hash:
            reason = ChainBreak.TRUNCATED if stored is None else ChainBreak.ANCHOR_MISMATCH
            detail = (
                f"record {last.tree_size} is not the one the checkpoint of {last.issued_at} signed"
            )
            return ChainReport(
                ok=False, checked=0, first_broken_seq=last.tree_size, reason=reason, detail=detail
            ), frontier
    chain = ChainVerifier(after=last.head)
    async for record in repo.stream_records(uow.session, after_seq=last.tree_size):
        if not chain.feed(record):
            break
        frontier = frontier.extend([merkle.record_leaf(record["hash"])])
    return chain.report(), frontier


async def verify_against_checkpoints(
    uow: UnitOfWork, checkpoints: Sequence[Checkpoint], key: CheckpointKey
) -> ChainReport:
    """Recompute the whole chain and check it against every signed checkpoint (org-wide readers).

    A checkpoint not signed by `key` is refused (CHECKPOINT_SIGNATURE_INVALID) before any record
    is read: a forger's checkpoint must not vouch for a forged trail.
    """
    uow.authorize(Action.READ, Resource.AUDIT_TRAIL, None)
    for checkpoint in checkpoints:
        key.check(checkpoint)
    verifier = CheckpointedVerifier(checkpoints)
    async for record in repo.stream_records(uow.session):
        if not verifier.feed(record):
            break
    return verifier.report()


def latest_checkpoint(
    uow: UnitOfWork, latest: Checkpoint | None, key: CheckpointKey
) -> Checkpoint | None:
    """The latest checkpoint of the log, once its signature holds (org-wide readers only)."""
    uow.authorize(Action.READ, Resource.AUDIT_TRAIL, None)
    if latest is not None:
        key.check(latest)
    return latest


def verification_key(uow: UnitOfWork, key: CheckpointKey) -> CheckpointKey:
    """The key checkpoints are signed with, to pin when verifying (org-wide readers only)."""
    uow.authorize(Action.READ, Resource.AUDIT_TRAIL, None)
    return key


async def publish_checkpoint(uow: UnitOfWork, checkpoint: Checkpoint) -> None:
    """Queue the checkpoint for the webhook subscriptions of topic `audit.checkpoint`."""
    uow.authorize(Action.READ, Resource.AUDIT_TRAIL, None)
    body = {key: value for key, value in checkpoint.as_json().items() if key != "frontier"}
    await outbox.enqueue(
        uow.session,
        topic=WITNESS_TOPIC,
        key=f"{WITNESS_TOPIC}:{checkpoint.tree_size}:{checkpoint.issued_at}",
        payload={"forms": {WITNESS_TOPIC: body}},
        now=uow.clock.now(),
    )
