"""Where changes fail: the change failure rate and incident severity by change type, risk level,
kind and cell over a period (scoped to the BUs where you may read the change ledger), the types
that stand out with suggested controls, and the one step from a suggestion to a proposal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql import insights_failures_inputs as fi
from api.graphql.context import Info
from api.graphql.insights_dora_types import DoraFailureDefinition
from api.graphql.insights_failures_analysis_types import ChangeFailureAnalysis
from api.graphql.insights_failures_types import ChangeFailures
from api.graphql.insights_ledger import caught_up
from api.graphql.mutations import MutationRunner
from api.graphql.user_errors import CHANGE_FAILURES
from domain.insights import dora_queries, failure_queries
from domain.insights import failure_rules as rules
from domain.insights import failure_service as service
from domain.insights.dora_vocabulary import FailureDefinition
from domain.insights.failure_commands import ProposeFromChangeFailures

run = MutationRunner(CHANGE_FAILURES)
proposal_payload = run.answering(fi.ProposeFromChangeFailuresPayload, fi.answer)


@strawberry.type
class ChangeFailuresQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """The node types this module serves, for `node(id:)`."""
        return {"ChangeFailureAnalysis": ("change_failure_analysis", ChangeFailureAnalysis)}

    @strawberry.field(
        description="Where changes fail over [since, until) (default: the 90 days up to now): "
        "rates, shares, lifts and incident severities by change type, risk level, kind and "
        "cell, each opening to its rows; a change type stands out at `factor` times the overall "
        "rate or more (default 1.5) with at least `minChanges` changes (default 4)."
    )
    async def change_failures(
        self,
        info: Info,
        scope: fi.ChangeFailureScope | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        failure: DoraFailureDefinition = DoraFailureDefinition.INCIDENT,  # type: ignore[valid-type]
        factor: float = rules.DEFAULT_FACTOR,
        min_changes: int = rules.DEFAULT_MIN_CHANGES,
    ) -> ChangeFailures:
        t = rules.thresholds(factor, min_changes)
        start, end = dora_queries.period(since, until, info.context.runtime.clock.now())
        await caught_up(info)
        async with info.context.reader() as r:
            found = await failure_queries.change_failures(
                r, fi.ledger_scope(scope), start, end, FailureDefinition(failure.value), t
            )
        return ChangeFailures.of(found)


@strawberry.type
class ChangeFailuresMutation:
    @proposal_payload.mutation(
        service.propose_from_change_failures,
        description="Turn a control suggested for a change type that stands out into a draft "
        "policy proposal in one step; the analysis is recomputed now and recorded as the "
        "proposal's origin (audited with it).",
    )
    def propose_from_change_failures(
        input: fi.ProposeFromChangeFailuresInput,
    ) -> ProposeFromChangeFailures:
        return fi.propose(input)
