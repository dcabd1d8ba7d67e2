"""The change ledger: CI reports the commits each version was built from (the ledger's commits
and DORA's lead time read them)."""

from __future__ import annotations

import strawberry

from api.graphql import insights_ledger_inputs as li
from api.graphql.mutations import MutationRunner
from api.graphql.user_errors import SOURCE_CHANGES
from domain.insights import source_commands as cmd
from domain.insights import source_service as sources

run = MutationRunner(SOURCE_CHANGES)
source_payload = run.answering(li.SourceChangeRecordPayload, li.answer)


@strawberry.type
class LedgerMutation:
    @source_payload.mutation(
        sources.record_source_change,
        description="Record the commits (and their pull requests' times) an artifact version of "
        "a service was built from; CI calls it once per build. Idempotent per service, version "
        "and sha.",
    )
    def source_change_record(input: li.SourceChangeRecordInput) -> cmd.RecordSourceChange:
        return li.record(input)
