"""What a service's first launch is judged over, read from the database (SQLite and PostgreSQL):
the deployments that succeeded in production and the deployments CD tools reported there, for
many services in one statement; and the first-launch reviews read with the releases' reviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import Environment
from domain.kernel.integrity import refusal_for, violated_constraint
from domain.organization.models import BusinessUnit, Service, Team
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.launch_repository import production_history
from domain.pipelines.models import CdEvent, DeploymentReport
from domain.readiness.review_errors import ReviewErrorCode
from domain.readiness.review_facts import reviews_of_subjects
from domain.readiness.review_launch import ProductionHistory, first_launch
from domain.readiness.review_models import ReadinessReview, ReviewItem


def _stamp(now: datetime) -> dict[str, Any]:
    return {"version": 1, "created_at": now, "updated_at": now}


async def _org(session: AsyncSession, now: datetime, services: int) -> tuple[Any, list[Service]]:
    tag = uuid.uuid4().hex[:8]
    bu = BusinessUnit(key=f"h-{tag}", name="History", description="", **_stamp(now))
    session.add(bu)
    await session.flush()
    team = Team(bu_id=bu.id, key=f"t-{tag}", name="T", description="", **_stamp(now))
    session.add(team)
    await session.flush()
    made = [
        Service(
            bu_id=bu.id,
            team_id=team.id,
            key=f"s{n}-{tag}",
            name="S",
            tier="critical",
            data_classification="internal",
            regions=[],
            **_stamp(now),
        )
        for n in range(services)
    ]
    session.add_all(made)
    await session.flush()
    return bu, made


async def _environment(session: AsyncSession, bu: Any, kind: str, now: datetime) -> Environment:
    env = Environment(
        key=f"{kind}-{uuid.uuid4().hex[:8]}",
        name=kind,
        kind=kind,
        bu_id=bu.id,
        capacity=1,
        status="active",
        owner_person_ids=[],
        **_stamp(now),
    )
    session.add(env)
    await session.flush()
    return env


def _deployment(service: Service, env: Environment, status: str, now: datetime) -> Deployment:
    return Deployment(
        service_id=service.id,
        bu_id=service.bu_id,
        environment_id=env.id,
        artifact_version="1.0.0",
        strategy="blue_green",
        status=status,
        steps=[],
        current_step=0,
        requested_by="engineer",
        **_stamp(now),
    )


async def _report(
    session: AsyncSession, service: Service, env: Environment, kind: str, now: datetime
) -> None:
    row = CdEvent(
        bu_id=service.bu_id,
        source="/ci",
        event_id=uuid.uuid4().hex,
        type="dev.cdevents.service.deployed.0.3.0",
        specversion="0.5.1",
        timestamp=now,
        subject_id=service.key,
        payload={},
        body_hash="0" * 64,
        received_at=now,
        received_by="ci",
        known=True,
        outcome="processed",
        note="",
    )
    session.add(row)
    await session.flush()
    session.add(
        DeploymentReport(
            cd_event_id=row.id,
            bu_id=service.bu_id,
            kind=kind,
            occurred_at=now,
            service_ref=service.key,
            environment_ref=env.key,
            artifact_ref="",
            service_id=service.id,
            environment_id=env.id,
            unresolved="",
        )
    )
    await session.flush()


class TestTheProductionHistory:
    async def test_only_what_landed_in_production_counts(
        self, session: AsyncSession, now: datetime
    ) -> None:
        bu, services = await _org(session, now, 6)
        prod = await _environment(session, bu, "production", now)
        staging = await _environment(session, bu, "staging", now)
        ran, reported, rolled_back, staged, in_flight, fresh = services
        session.add_all(
            [
                _deployment(ran, prod, "succeeded", now),
                _deployment(ran, prod, "succeeded", now),
                _deployment(rolled_back, prod, "rolled_back", now),
                _deployment(staged, staging, "succeeded", now),
                _deployment(in_flight, prod, "in_progress", now),
            ]
        )
        await session.flush()
        await _report(session, reported, prod, "upgraded", now)
        await _report(session, rolled_back, prod, "rolledback", now)
        await _report(session, staged, staging, "deployed", now)
        found = await production_history(session, [s.id for s in services])
        assert found == {
            ran.id: ProductionHistory(ran.id, 2, 0),
            reported.id: ProductionHistory(reported.id, 0, 1),
            rolled_back.id: ProductionHistory(rolled_back.id),
            staged.id: ProductionHistory(staged.id),
            in_flight.id: ProductionHistory(in_flight.id),
            fresh.id: ProductionHistory(fresh.id),
        }
        assert [s.key for s in services if first_launch(found[s.id])] == [
            s.key for s in (rolled_back, staged, in_flight, fresh)
        ]

    async def test_thirty_services_cost_one_statement_as_three_do(
        self, session: AsyncSession, now: datetime
    ) -> None:
        bu, services = await _org(session, now, 30)
        prod = await _environment(session, bu, "production", now)
        session.add_all(_deployment(s, prod, "succeeded", now) for s in services[::2])
        await session.flush()
        counts = []
        for some in (services[:3], services):
            with _counting(session) as statements:
                found = await production_history(session, [s.id for s in some])
            counts.append(len(statements))
            assert sum(not first_launch(h) for h in found.values()) == (len(some) + 1) // 2
        assert counts == [1, 1]


class TestTheFirstLaunchReviewsAreReadWithTheReleasesReviews:
    async def test_in_one_statement_each_by_its_subject(
        self, session: AsyncSession, now: datetime
    ) -> None:
        bu, services = await _org(session, now, 3)
        reviews = [
            ReadinessReview(
                id=uuid.uuid4(),
                service_id=s.id,
                bu_id=bu.id,
                status="open",
                templates=[],
                sign_off_note="",
                **_stamp(now),
            )
            for s in services[:2]
        ]
        session.add_all(reviews)
        await session.flush()
        session.add(
            ReviewItem(
                review_id=reviews[0].id,
                key="sre.runbook",
                kind="runbook",
                title="Runbook",
                valid_days=90,
                position=0,
                note="",
            )
        )
        await session.flush()
        with _counting(session) as statements:
            of_releases, of_services = await reviews_of_subjects(
                session, [uuid.uuid4()], [s.id for s in services]
            )
        assert len(statements) == 1
        assert of_releases == {}
        assert set(of_services) == {services[0].id, services[1].id}
        assert [i.key for i in of_services[services[0].id].items] == ["sre.runbook"]
        assert of_services[services[1].id].items == ()
        assert of_services[services[0].id].release_id is None


class TestAReviewHasExactlyOneSubject:
    async def test_neither_a_release_nor_a_service_and_a_second_service_review_are_refused(
        self, session: AsyncSession, now: datetime
    ) -> None:
        bu, [service] = await _org(session, now, 1)

        def review(**subject: Any) -> ReadinessReview:
            fields = {"bu_id": bu.id, "status": "open", "templates": [], "sign_off_note": ""}
            return ReadinessReview(id=uuid.uuid4(), **fields, **subject, **_stamp(now))

        session.add(review(service_id=service.id))
        await session.flush()
        with pytest.raises(IntegrityError) as neither:
            async with session.begin_nested():
                session.add(review())
                await session.flush()
        assert "one_subject" in str(neither.value), neither.value
        # Two SREs opening the service's review at once: the loser is refused REVIEW_EXISTS.
        with pytest.raises(IntegrityError) as twice:
            async with session.begin_nested():
                session.add(review(service_id=service.id))
                await session.flush()
        assert violated_constraint(twice.value) == "uq_readiness_reviews_service_id"
        refusal = refusal_for(twice.value)
        assert refusal is not None
        assert (refusal.code, refusal.field) == (ReviewErrorCode.REVIEW_EXISTS, "serviceId")


class _counting:
    """The statements the session's connection runs inside the block."""

    def __init__(self, session: AsyncSession) -> None:
        self.engine = session.bind.sync_engine  # type: ignore[union-attr]
        self.statements: list[str] = []

    def _seen(self, *args: Any) -> None:
        self.statements.append(str(args[2]))

    def __enter__(self) -> list[str]:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self.statements

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)
