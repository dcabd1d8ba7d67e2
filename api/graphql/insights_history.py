"""Importing deployment history: a service's production deployments and incidents from before
it was governed here, so the change ledger and DORA start with a baseline."""

from __future__ import annotations

import strawberry

from api.graphql import insights_history_inputs as hi
from api.graphql.mutations import MutationRunner
from api.graphql.user_errors import PIPELINES
from domain.insights import history_service
from domain.pipelines import history_commands as cmd

run = MutationRunner(PIPELINES)
history_payload = run.answering(hi.DeploymentHistoryImportPayload, hi.answer)


@strawberry.type
class DeploymentHistoryMutation:
    @history_payload.mutation(
        history_service.import_history,
        description="Import a batch of a service's production deployments (and incidents) from "
        "before it was governed here: the ledger and DORA count them, marked imported; no "
        "unauthorized change is raised for them. Every time lies before the service's "
        "onboarding; idempotent per (environment, artifact version, finish) and incident "
        "reference; one bad record refuses the batch, each problem naming its record's index. "
        "The RMO and the service's BU admins only.",
    )
    def deployment_history_import(input: hi.DeploymentHistoryImportInput) -> cmd.ImportHistory:
        return hi.import_history(input)
