"""Types of the value stream: a production change's steps with work and wait, its
non-value-added steps named with their evidence, and a team's or BU's summary over a period.
Durations are in seconds."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from api.graphql.enums import exposed
from api.graphql.relay import Connection, connection, to_global_id
from domain.insights import stream_queries as q
from domain.insights import stream_rules as rules
from domain.pipelines.production_deployments import REPORTED

ValueStreamStep = exposed(rules.Step, name="ValueStreamStep")
ValueStreamWaitKind = exposed(rules.WaitKind, name="ValueStreamWaitKind")
ValueStreamWasteKind = exposed(rules.WasteKind, name="ValueStreamWasteKind")


def _seconds(d: timedelta | None) -> float | None:
    return None if d is None else d.total_seconds()


@strawberry.type(description="Time a change (or the changes of a summary) waited, for one reason.")
class ValueStreamWait:
    kind: ValueStreamWaitKind
    seconds: float


@strawberry.type(description="One step of a change's way to production: its work and its wait.")
class ValueStreamStepTime:
    step: ValueStreamStep
    has_data: bool = strawberry.field(
        description="False: a milestone was not recorded; the step is not measured, never guessed."
    )
    started_at: datetime | None
    ended_at: datetime | None
    work_seconds: float | None
    wait_seconds: float | None
    waits: list[ValueStreamWait]

    @classmethod
    def of(cls, s: rules.StepTime) -> ValueStreamStepTime:
        return cls(
            step=s.step,
            has_data=s.measured,
            started_at=s.start,
            ended_at=s.end,
            work_seconds=_seconds(s.work),
            wait_seconds=_seconds(s.wait),
            waits=[ValueStreamWait(kind=k, seconds=d.total_seconds()) for k, d in s.waits],
        )


@strawberry.type(description="A non-value-added step, named with its evidence.")
class ValueStreamWaste:
    kind: ValueStreamWasteKind
    step: ValueStreamStep
    evidence: str
    lost_seconds: float = strawberry.field(description="Time it cost, where known (else 0).")


@strawberry.type(
    description="A production change's way there: commit → merged → built → tested → "
    "staged → approved → deployed, each step split into work and wait."
)
class ValueStream:
    deployment_id: strawberry.ID
    service_id: strawberry.ID | None
    service_key: str | None
    release_id: strawberry.ID | None
    release_title: str | None
    deployed_at: datetime
    lead_time_seconds: float | None = strawberry.field(
        description="First commit to deployed; null while commit times are not known."
    )
    measured_from: ValueStreamStep | None = strawberry.field(
        description="The first step with data: the steps account for the time from its start."
    )
    steps: list[ValueStreamStepTime]
    waste: list[ValueStreamWaste]

    @classmethod
    def of(cls, v: q.ChangeView) -> ValueStream:
        c, s = v.change, v.stream
        d = c.deployment
        return cls(
            deployment_id=strawberry.ID(
                to_global_id("DeploymentReport" if d.kind == REPORTED else "Deployment", d.id)
            ),
            service_id=strawberry.ID(to_global_id("Service", d.service_id)),
            service_key=c.service.key if c.service else None,
            release_id=strawberry.ID(to_global_id("Release", c.release_id))
            if c.release_id
            else None,
            release_title=c.release_title,
            deployed_at=d.finished_at,
            lead_time_seconds=_seconds(s.lead_time),
            measured_from=s.measured_from,
            steps=[ValueStreamStepTime.of(x) for x in s.steps],
            waste=[
                ValueStreamWaste(
                    kind=w.kind,
                    step=w.step,
                    evidence=w.evidence,
                    lost_seconds=w.lost.total_seconds(),
                )
                for w in s.waste
            ],
        )


@strawberry.type(description="Where the time of one step goes over the changes of a summary.")
class ValueStreamStepSummary:
    step: ValueStreamStep
    changes: int = strawberry.field(description="Changes with the step measured.")
    no_data: int = strawberry.field(description="Changes with no record of the step.")
    work_median_seconds: float | None
    work_p75_seconds: float | None
    wait_median_seconds: float | None
    wait_p75_seconds: float | None
    wait_by_kind: list[ValueStreamWait] = strawberry.field(
        description="Total time waited in the step over the changes, per reason."
    )

    @classmethod
    def of(cls, s: rules.StepSummary) -> ValueStreamStepSummary:
        return cls(
            step=s.step,
            changes=s.changes,
            no_data=s.no_data,
            work_median_seconds=s.work_median,
            work_p75_seconds=s.work_p75,
            wait_median_seconds=s.wait_median,
            wait_p75_seconds=s.wait_p75,
            wait_by_kind=[ValueStreamWait(kind=k, seconds=v) for k, v in s.wait_by_kind],
        )


@strawberry.type(description="How many non-value-added steps of one kind the changes hold.")
class ValueStreamWasteCount:
    kind: ValueStreamWasteKind
    count: int


@strawberry.type(
    description="Where a team's or a BU's production changes spent their time over a period: per "
    "step the median and p75 of work and wait (linear between ranks), the slowest steps first, "
    "and the non-value-added steps found."
)
class ValueStreamSummary:
    business_unit_id: strawberry.ID
    team_id: strawberry.ID | None
    since: datetime
    until: datetime
    change_count: int
    lead_time_median_seconds: float | None
    lead_time_p75_seconds: float | None
    steps: list[ValueStreamStepSummary]
    slowest_steps: list[ValueStreamStep]
    waste_counts: list[ValueStreamWasteCount]
    truncated: bool = strawberry.field(
        description="More production deployments finished in the period than one summary reads "
        "(the earliest 500 of each kind are summarized): narrow the period."
    )
    view: strawberry.Private[q.SummaryView]

    @strawberry.field(description="The changes summarized, deployed earliest first.")
    def changes(
        self, first: int | None = None, after: str | None = None
    ) -> Connection[ValueStream]:
        return connection(q.changes_page(self.view.changes, first=first, after=after), _FromView)

    @classmethod
    def of(cls, v: q.SummaryView) -> ValueStreamSummary:
        s = v.summary
        return cls(
            business_unit_id=strawberry.ID(to_global_id("BusinessUnit", v.bu.id)),
            team_id=strawberry.ID(to_global_id("Team", v.team.id)) if v.team else None,
            since=v.period.start,
            until=v.period.end,
            change_count=s.changes,
            lead_time_median_seconds=s.lead_time_median,
            lead_time_p75_seconds=s.lead_time_p75,
            steps=[ValueStreamStepSummary.of(x) for x in s.steps],
            slowest_steps=list(s.slowest),
            waste_counts=[ValueStreamWasteCount(kind=k, count=n) for k, n in s.waste],
            truncated=v.truncated,
            view=v,
        )


class _FromView:
    @classmethod
    def from_row(cls, row: q.ChangeView) -> ValueStream:
        return ValueStream.of(row)
