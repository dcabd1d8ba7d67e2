"""Test investment in the living world (insights, issue 18): the payouts team's defect history
against its suites, so `testInvestment` shows both kinds of suggestion.

Payout Scheduler's `cutoffs` let three unit-layer defects through although its unit suite
covers 87.5 % (every demo build reports it): the tests exist but miss. Settlement's
`bank-files` let two contract-layer defects through and no contract suite runs: coverage is
missing. Merchant Statements' build reports its unit suite at 42 %, below the 70 % threshold,
where two unit-layer defects escaped `statement-lines`; its `smoke` suite says no layer and is
shown unmapped.
The defects were found 35 to 60 days ago, before the defect patterns' current 28-day period,
so the patterns the demo shows stay issue 17's."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from demo.delivery import digest_of
from domain.kernel.uow import UnitOfWork
from domain.pipelines import commands as pc
from domain.pipelines import evidence
from domain.postrelease import defect_service
from domain.postrelease.defect_commands import RecordDefect

if TYPE_CHECKING:
    from api.runtime import Runtime

# (service, title, component, change type, escaped layer, severity, days ago)
DEFECTS: list[tuple[str, str, str, str, str, str, float]] = [
    ("payout-scheduler", "Cut-off skipped on a bank holiday Monday", "cutoffs", "payment_logic",
     "unit", "high", 58),
    ("payout-scheduler", "Weekend payouts queued for the wrong cut-off", "cutoffs",
     "payment_logic", "unit", "high", 47),
    ("payout-scheduler", "Cut-off time read in local time, not UTC", "cutoffs", "payment_logic",
     "unit", "critical", 38),
    ("settlement", "Bank file header drops the batch count", "bank-files", "api", "contract",
     "high", 52),
    ("settlement", "New bank file field sent before the bank accepts it", "bank-files", "api",
     "contract", "medium", 36),
    ("merchant-statements", "Refunds missing from the monthly statement", "statement-lines",
     "payment_logic", "unit", "medium", 44),
    ("merchant-statements", "Fee total rounded twice", "statement-lines", "payment_logic", "unit",
     "medium", 35),
]  # fmt: skip
STATEMENTS = "merchant-statements"
BUILD = "3.1.0"


async def _statements_build(uow: UnitOfWork, cast: Cast) -> None:
    """Merchant Statements' build: its unit suite at 42 % coverage, an unmapped smoke suite."""
    service = cast.services[STATEMENTS]
    artifact = pc.ArtifactRef(service, STATEMENTS, BUILD, digest_of(STATEMENTS, BUILD))
    for report in (
        pc.TestRun("unit", passed=203, failed=0, coverage_percent=42.0),
        pc.TestRun("smoke", passed=12, failed=0),
    ):
        await evidence.report_evidence(uow, pc.ReportEvidence(artifact, report))


async def load_testing_history(runtime: Runtime, cast: Cast) -> None:
    """The statements build's suites as CI reports them, then the defects the SRE records."""
    run = runtime.units.run
    await run(lambda uow: _statements_build(uow, cast), actor=cast.actor("ci"))
    now = runtime.clock.now()
    for service, title, component, change, layer, severity, days in DEFECTS:
        c = RecordDefect(
            service_id=cast.services[service],
            title=title,
            component=component,
            change_type=change,
            root_cause="test_gap",
            escaped_layer=layer,
            severity=severity,
            source_kind="manual",
            found_at=now - timedelta(days=days),
        )
        await run(lambda uow, c=c: defect_service.record_defect(uow, c), actor=cast.actor("sre"))
