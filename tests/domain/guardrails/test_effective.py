"""Effective guardrails of services: core → BU → profile, with sources, now and at a date."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from domain.guardrails import queries
from domain.guardrails.effective import effective_for_service, effective_for_services
from domain.kernel.errors import DomainError, NotFound
from tests.domain.guardrails.conftest import GuardrailsWorld
from tests.world import OnlyIn


@contextmanager
def statements(world: GuardrailsWorld) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = world.session.bind.engine  # type: ignore[union-attr]

    def count(*args: Any) -> None:
        if not args[2].startswith(("SAVEPOINT", "RELEASE")):
            seen.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


class TestSources:
    async def test_a_critical_service_shows_where_each_value_comes_from(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_core({"min_test_coverage_percent": 65}, 0)
        await world.save_bu({"max_bypass_hours": 12, "min_approvers.staging": 2}, 0)
        eff = await effective_for_service(world.session, world.services["critical"])
        got = {
            k: (eff.values[k].value, eff.values[k].source, eff.values[k].source_version)
            for k in (
                "min_test_coverage_percent",
                "min_approvers.staging",
                "max_bypass_hours",
                "min_approvers.production",
                "max_open_critical_vulnerabilities",
            )
        }
        assert got == {
            "min_test_coverage_percent": (80, "profile:critical", 0),
            "min_approvers.staging": (2, f"bu:{world.bu.key}", 1),
            "max_bypass_hours": (8, "profile:critical", 0),
            "min_approvers.production": (3, "profile:critical", 0),
            "max_open_critical_vulnerabilities": (0, "core", 1),
        }
        assert eff.tier == "critical"
        disciplines = eff.values["go_no_go_disciplines"]
        assert [(c.source, c.members) for c in disciplines.contributions] == [
            ("core", ("engineering", "product")),
            ("profile:critical", ("security",)),
        ]

    async def test_an_internal_service_without_a_bu_set_gets_the_core(
        self, world: GuardrailsWorld
    ) -> None:
        eff = await effective_for_service(world.session, world.services["internal"])
        assert {v.source for v in eff.values.values()} == {"core"}
        assert eff["min_approvers.production"] == 2

    async def test_an_unknown_service_is_not_found(self, world: GuardrailsWorld) -> None:
        with pytest.raises(NotFound):
            await effective_for_service(world.session, uuid.uuid4())


class TestHistory:
    async def test_the_guardrails_in_force_on_a_past_date_are_answered(
        self, world: GuardrailsWorld
    ) -> None:
        start = world.clock.now()
        await world.save_core({"max_open_high_vulnerabilities": 3}, 0)  # day 0
        await world.save_bu({"max_open_high_vulnerabilities": 2}, 0)  # day 1
        await world.save_core({"max_open_high_vulnerabilities": 1}, 1)  # day 2
        service = world.services["internal"]

        async def high(at: Any) -> tuple[int, str, int]:
            v = (await effective_for_service(world.session, service, at)).values[
                "max_open_high_vulnerabilities"
            ]
            return v.value, v.source, v.source_version

        assert await high(start - timedelta(hours=1)) == (5, "core", 0)
        assert await high(start + timedelta(hours=1)) == (3, "core", 1)
        assert await high(start + timedelta(days=1, hours=1)) == (2, f"bu:{world.bu.key}", 1)
        assert await high(start + timedelta(days=2, hours=1)) == (1, "core", 2)
        assert await high(None) == (1, "core", 2)

    async def test_history_lists_every_version_with_who_and_why(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_bu({"max_bypass_hours": 12}, 0)
        await world.save_bu({"max_bypass_hours": 10}, 1)
        page = await queries.history(
            world.reader(),
            queries.SetKind.BUSINESS_UNIT,
            bu_id=world.bu.id,
            tier=None,
            first=1,
            after=None,
        )
        assert [(r.version, r.values, r.note) for r in page.items] == [
            (1, {"max_bypass_hours": 12}, "BU policy")
        ]
        assert page.has_next
        rest = await queries.history(
            world.reader(),
            queries.SetKind.BUSINESS_UNIT,
            bu_id=world.bu.id,
            tier=None,
            first=5,
            after=page.cursors[-1],
        )
        assert [r.version for r in rest.items] == [2]
        hidden = await queries.history(
            world.reader(authorizer=OnlyIn(world.other_bu.id)),
            queries.SetKind.BUSINESS_UNIT,
            bu_id=world.bu.id,
            tier=None,
            first=5,
            after=None,
        )
        assert hidden.items == []


class TestManyServicesAtOnce:
    async def test_the_statement_count_does_not_grow_with_the_services(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_bu({"max_bypass_hours": 12}, 0)
        ids = list(world.services.values())
        with statements(world) as one:
            await effective_for_services(world.session, ids[:1])
        with statements(world) as many:
            found = await effective_for_services(world.session, [*ids, uuid.uuid4()])
        assert len(one) == len(many) == 2  # the services, then every layer at once
        assert set(found) == set(ids)
        assert found[world.services["critical"]]["max_bypass_hours"] == 8


class TestReadingScope:
    async def test_a_service_outside_your_bus_reads_as_not_found(
        self, world: GuardrailsWorld
    ) -> None:
        with pytest.raises(NotFound):
            await queries.effective(
                world.reader(authorizer=OnlyIn(world.other_bu.id)), world.services["critical"], None
            )
        eff = await queries.effective(
            world.reader(authorizer=OnlyIn(world.bu.id)), world.services["critical"], None
        )
        assert eff.tier == "critical"

    async def test_a_moment_without_a_time_zone_is_refused(self, world: GuardrailsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await queries.effective(
                world.reader(),
                world.services["critical"],
                datetime(2026, 12, 1),
            )
        assert e.value.field == "at"
