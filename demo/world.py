"""The living demo world, loaded by `signalbox demo` after the organization, the calendar and
the unauthorized change: trains, environments per train and per region, releases in every
state with risk assessments, NFRs validated in staging, an open go/no-go session, promotions
allowed, refused and waiting on real evidence, flags in rollout, a canary under way and
incidents.

Everything goes through the use cases, each step in its own unit of work as the demo person who
would do it, so the audit trail reads like a week at the bank. Dates are relative to the moment
of loading; loading again changes nothing (the payments train's key marks the world as there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.benchmarks import load_benchmarks
from demo.cast import read_cast
from demo.change_failures import load_change_failures
from demo.defects import load_defects
from demo.delivery import (
    load_regions,
    register_pipeline,
    report_builds,
    report_run,
    review_pipeline,
)
from demo.history import load_history
from demo.insights_ledger import load_change_ledger
from demo.journeys import load_journeys
from demo.maturity import load_maturity
from demo.nfrs import load_nfrs
from demo.notices import load_notices
from demo.operations import load_operations
from demo.policy import load_policy
from demo.post_mortems import load_post_mortems
from demo.post_release_reviews import load_post_release_reviews
from demo.promotions_world import load_promotions
from demo.readiness_incidents import load_readiness_incidents
from demo.readiness_migrations import load_migrations
from demo.readiness_reviews import load_readiness_reviews
from demo.readiness_volumes import load_volumes
from demo.releases import load_releases
from demo.support import load_support
from demo.testing_history import load_testing_history
from demo.trains import load_trains
from demo.value_stream import load_value_stream
from domain.kernel.uow import UnitOfWork
from domain.trains import repository as train_repo

if TYPE_CHECKING:
    from api.runtime import Runtime

MARKER_TRAIN = "payments-express"


async def load_world(runtime: Runtime) -> bool:
    """Load the world once; False when it is there already (or the organization is not)."""
    cast = await read_cast(runtime)
    if cast is None:
        return False
    async with runtime.db.read_session() as session:
        if await train_repo.train_key_taken(session, MARKER_TRAIN):
            return False
    units = runtime.units
    train_world = await units.run(lambda uow: load_trains(uow, cast), actor=cast.actor("rmo"))
    release_world = await load_releases(runtime, cast, train_world.next_departures[MARKER_TRAIN])
    regions = await units.run(lambda uow: load_regions(uow, cast), actor=cast.actor("rmo"))
    pipeline, version = await units.run(
        lambda uow: register_pipeline(uow, cast), actor=cast.actor("engineer")
    )
    content = await units.run(lambda uow: review_pipeline(uow, version), actor=cast.actor("sre"))

    async def ci(uow: UnitOfWork) -> None:
        await report_run(uow, pipeline, content)
        await report_builds(uow, cast)

    await load_volumes(runtime, cast)
    await units.run(ci, actor=cast.actor("ci"))
    await load_nfrs(runtime, cast)
    await load_migrations(runtime, cast, release_world.ids)
    await load_readiness_reviews(runtime, cast, release_world.ids)
    await load_promotions(runtime, cast, release_world.ids, regions)
    await load_operations(runtime, cast)
    await load_notices(runtime, cast, release_world.ids)
    await load_readiness_incidents(runtime, cast)
    await load_support(runtime, cast, release_world.ids)
    await load_defects(runtime, cast)  # demo/defects.py: one defect pattern of each kind
    await load_post_mortems(runtime, cast)
    await load_post_release_reviews(runtime, cast)
    await load_journeys(runtime, cast)  # postrelease: synthetic journeys (issue 17)
    await load_maturity(runtime, cast)  # insights: quarterly maturity assessments (issue 18)
    await load_value_stream(runtime, cast, regions)  # insights: the value stream (issue 18)
    await load_policy(runtime, cast)  # insights: policy iteration (issue 18)
    await load_change_ledger(runtime, cast)  # insights: commits, the ledger (issue 18)
    await load_testing_history(runtime, cast)  # insights: test investment (issue 18)
    await load_history(runtime, cast)  # pipelines: a year of imported history (issue 18)
    await load_benchmarks(runtime, cast)  # insights: team benchmarks (issue 18)
    await load_change_failures(runtime, cast)  # insights: where changes fail (issue 18)
    return True
