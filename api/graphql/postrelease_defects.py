"""Post-release defects: record and reclassify them, list them, and see the patterns over a
period as planning items (the same ones the backlog export and the webhooks carry)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any

import strawberry

from api.graphql import postrelease_defects_inputs as di
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.postrelease_defects_types import Defect, DefectPattern, DetectedDefectPattern
from api.graphql.relay import PageArgs, connection_field, from_optional_global_id
from api.graphql.user_errors import DEFECTS
from domain.kernel.access import Action
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.postrelease import defect_commands as cmd
from domain.postrelease import defect_patterns as patterns
from domain.postrelease import defect_queries as dq
from domain.postrelease import defect_service as defects

run = MutationRunner(DEFECTS)
defect_payload = run.into(di.DefectPayload, defect=Defect)


@strawberry.type
class DefectsQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """The node types this module serves, for `node(id:)`."""
        return {
            "Defect": ("defect", Defect),
            "DetectedDefectPattern": ("detected_defect_pattern", DetectedDefectPattern),
        }

    @connection_field(Defect, description="Defects you may read, oldest found first.")
    def defects(r: Reader, f: di.DefectFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return dq.defects(
            r,
            service_id=from_optional_global_id(f.service_id, "Service", "serviceId"),
            since=f.found_since,
            **page,
        )

    @connection_field(
        DetectedDefectPattern,
        description="Patterns announced to planning (webhook `defect.pattern.detected`), once "
        "per pattern and 28-day period, oldest first.",
    )
    def detected_defect_patterns(r: Reader, page: PageArgs) -> Awaitable[Page[Any]]:
        return dq.detected_patterns(r, **page)

    @strawberry.field(
        description="The defect patterns of [since, until) (default: the 28 days up to now) in the "
        "BUs where you may read defects: recurring root causes and escaped test layers, rising "
        "escape rates, the change types failing most. Thresholds default to the sweep's."
    )
    async def defect_patterns(
        self,
        info: Info,
        since: datetime | None = None,
        until: datetime | None = None,
        business_unit_id: strawberry.ID | None = None,
        recurring: int | None = None,
        rising_min_defects: int | None = None,
        change_type_min_defects: int | None = None,
        change_type_top: int | None = None,
    ) -> list[DefectPattern]:
        period = patterns.export_period(since, until, info.context.runtime.clock.now())
        t = patterns.thresholds(
            recurring, rising_min_defects, change_type_min_defects, change_type_top
        )
        bu = from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
        async with info.context.reader() as r:
            found = await patterns.backlog_of(
                r, period, t, action=Action.READ, bu_ids=None if bu is None else [bu]
            )
        return [DefectPattern.of(i) for i in found]


@strawberry.type
class DefectsMutation:
    @defect_payload.mutation(
        defects.record_defect,
        description="Record a defect found after release, classified, from its source (an "
        "incident, a post-mortem, a feedback item, or by hand); new patterns it completes are "
        "announced to planning.",
    )
    def defect_record(input: di.DefectRecordInput) -> cmd.RecordDefect:
        return di.record(input)

    @defect_payload.mutation(
        defects.reclassify_defect,
        description="Change a defect's classification, with a reason (audited).",
    )
    def defect_reclassify(input: di.DefectReclassifyInput) -> cmd.ReclassifyDefect:
        return di.reclassify(input)
