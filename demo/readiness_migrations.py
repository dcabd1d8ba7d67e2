"""Data-migration safety in the living world (issue 16): the releases that change data declare
their migrations, one per state the data_migrations gate knows. The card network tokens
release's ledger migration is safe (pre-validated, dry-run, reversible) and its card-gateway
migration is irreversible, waiting for its waiver's approval; the payout retries migration has
no compensating step and a pre-check not run yet; the settlement cut-off purge is irreversible
with its waiver approved; the FX warm-up migration's dry run met errors."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from demo.cast import Cast
from demo.delivery import digest_of
from demo.readiness_volumes import PRODUCTION_VOLUMES
from domain.kernel.uow import UnitOfWork
from domain.pipelines import commands as pc
from domain.pipelines import evidence
from domain.readiness import migration_safety
from domain.readiness.migration_commands import DeclareDataMigration
from domain.readiness.migration_rules import Compensation, PreCheck

if TYPE_CHECKING:
    from api.runtime import Runtime

ORPHANS = PreCheck("no orphan rows", "every row the migration moves has its parent", True, "0")
TOKENS = PreCheck(
    "tokens provisioned", "every card on file has a network token", True, "12 missing of 48M"
)
RETRY_STATE = PreCheck("no payouts in flight", "no payout batch is running during the change")
REVERSE = Compensation("reverse_migration", "downgrade() of the same revision")
# (release, service, version, key, pre-checks, compensation, dry-run errors, waiver approved)
MIGRATIONS: list[
    tuple[str, str, str, str, tuple[PreCheck, ...], Compensation | None, int, bool]
] = [
    ("tokens", "ledger-core", "7.2.0", "0118_token_references", (ORPHANS,), REVERSE, 0, False),
    (
        "tokens",
        "card-gateway",
        "4.4.0",
        "0231_drop_pan_column",
        (TOKENS,),
        Compensation(
            "irreversible", notes="The card numbers are deleted: tokens replace them for good."
        ),
        0,
        False,
    ),
    ("retries", "payout-scheduler", "2.7.4", "0057_retry_state", (RETRY_STATE,), None, 0, False),
    (
        "cutoff",
        "settlement",
        "5.0.3",
        "0090_purge_settled_batches",
        (ORPHANS,),
        Compensation(
            "irreversible", notes="Batches settled over ten years ago are purged, as archived."
        ),
        0,
        True,
    ),
    ("warmup", "fx-rates", "1.9.0", "0012_rate_history", (ORPHANS,), REVERSE, 3, False),
]


async def load_migrations(runtime: Runtime, cast: Cast, releases: dict[str, uuid.UUID]) -> None:
    """Each data-changing release declares its migrations; CI reports their dry runs."""
    run = runtime.units.run

    async def declare_all(uow: UnitOfWork) -> list[uuid.UUID]:
        made = []
        for release, service, _, key, checks, compensation, _, _ in MIGRATIONS:
            m = await migration_safety.declare(
                uow,
                DeclareDataMigration(
                    releases[release], cast.services[service], key, "", checks, compensation
                ),
            )
            made.append(m.id)
        return made

    ids = await run(declare_all, actor=cast.actor("engineer"))

    async def dry_runs(uow: UnitOfWork) -> None:
        for _, service, version, key, _, _, errors, _ in MIGRATIONS:
            rows = PRODUCTION_VOLUMES[service][0]
            artifact = pc.ArtifactRef(
                cast.services[service], service, version, digest_of(service, version)
            )
            report = pc.MigrationDryRun(
                "alembic", True, 840.0, "On last night's masked copy of production.",
                migrations=(key,), rows_scanned=rows, rows_changed=rows // 3, errors=errors,
            )  # fmt: skip
            await evidence.report_evidence(uow, pc.ReportEvidence(artifact, report))

    await run(dry_runs, actor=cast.actor("ci"))

    async def approve(uow: UnitOfWork) -> None:
        for migration_id, line in zip(ids, MIGRATIONS, strict=True):
            if line[7]:
                await migration_safety.approve_waiver(uow, migration_id, 1)

    await run(approve, actor=cast.actor("approver"))
