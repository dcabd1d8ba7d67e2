"""The change ledger: every production change in one list (scoped to the BUs where you may read
it), and CI's report of the commits each version was built from."""

from __future__ import annotations

import asyncio

import strawberry

from api.graphql import insights_ledger_inputs as li
from api.graphql.context import Info
from api.graphql.insights_ledger_types import ChangeLedgerEntry
from api.graphql.mutations import MutationRunner
from api.graphql.relay import Connection, PageArgs, paginate
from api.graphql.user_errors import SOURCE_CHANGES
from domain.insights import ledger_projection, ledger_queries
from domain.insights import source_commands as cmd
from domain.insights import source_service as sources

run = MutationRunner(SOURCE_CHANGES)
source_payload = run.answering(li.SourceChangeRecordPayload, li.answer)


async def caught_up(info: Info) -> None:
    """The ledger's catch-up sweep, when the last ran more than a minute ago (it writes only
    what changed since); once per request, however many resolvers read the ledger."""
    context = info.context
    if context.ledger_caught_up is None:
        context.ledger_caught_up = asyncio.ensure_future(
            context.runtime.units.run(ledger_projection.catch_up)
        )
    await asyncio.shield(context.ledger_caught_up)


@strawberry.type
class LedgerQuery:
    @strawberry.field(
        description="Every production change you may read (deployments by strategy, flag "
        "changes, configuration changes, data migrations, vendor releases), newest first."
    )
    async def change_ledger(
        self,
        info: Info,
        filter: li.ChangeLedgerFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[ChangeLedgerEntry]:
        await caught_up(info)
        page = PageArgs(first=first, after=after)
        return await paginate(
            info, ChangeLedgerEntry, ledger_queries.ledger, li.ledger_filter(filter), **page
        )


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
