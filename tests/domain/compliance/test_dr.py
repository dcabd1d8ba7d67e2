"""Disaster recovery through its use cases: procedures, tests, and the dr_test gate."""

from __future__ import annotations

import pytest

from domain.compliance import control_commands as cmd
from domain.compliance import control_queries as ccq
from domain.compliance import dr
from domain.kernel.errors import DomainError, NotFound, VersionConflict
from domain.kernel.gates import GateStatus
from tests.domain.compliance.conftest import DAY, HOUR, ComplianceWorld
from tests.world import OnlyIn


class TestProcedures:
    async def test_a_procedure_is_created_with_its_owners_and_audited(
        self, world: ComplianceWorld
    ) -> None:
        made = await world.procedure(
            owner_person_id=world.people["carol"].id, rto_minutes=30, rpo_minutes=5
        )
        assert (made.kind, made.status, made.version, made.bu_id) == (
            "service_reversion",
            "active",
            1,
            world.bu,
        )
        (record,) = await world.audit(made.id)
        assert (record.action, record.after["rto_minutes"]) == ("dr_procedure.create", 30)

    async def test_an_owner_is_required_and_a_team_is_of_the_service_bu(
        self, world: ComplianceWorld
    ) -> None:
        with pytest.raises(DomainError) as e:
            await world.procedure(owner_team_id=None)
        assert e.value.code == "OWNER_REQUIRED"

    async def test_an_update_changes_what_is_given_and_bumps_the_version(
        self, world: ComplianceWorld
    ) -> None:
        made = await world.procedure(owner_person_id=world.people["carol"].id, rto_minutes=30)
        uow = world.uow()
        changed = await dr.update_procedure(
            uow,
            cmd.UpdateDrProcedure(
                made.id, 1, title="Blue-green switch back", clear=frozenset({"rto_minutes"})
            ),
        )
        await uow.commit()
        assert (changed.title, changed.rto_minutes, changed.version) == (
            "Blue-green switch back",
            None,
            2,
        )
        with pytest.raises(VersionConflict):
            await dr.update_procedure(world.uow(), cmd.UpdateDrProcedure(made.id, 1, title="X"))

    async def test_clearing_the_only_owner_is_refused(self, world: ComplianceWorld) -> None:
        made = await world.procedure()
        with pytest.raises(DomainError) as e:
            await dr.update_procedure(
                world.uow(), cmd.UpdateDrProcedure(made.id, 1, clear=frozenset({"owner_team_id"}))
            )
        assert e.value.code == "OWNER_REQUIRED"

    async def test_a_retired_procedure_takes_no_tests(self, world: ComplianceWorld) -> None:
        made = await world.procedure()
        uow = world.uow()
        await dr.retire_procedure(uow, made.id, 1)
        await uow.commit()
        with pytest.raises(DomainError) as e:
            await world.test(made, DAY)
        assert e.value.code == "PROCEDURE_RETIRED"
        assert [r.action for r in await world.audit(made.id)][-1] == "dr_procedure.retire"

    async def test_a_procedure_outside_your_bus_reads_as_absent(
        self, world: ComplianceWorld
    ) -> None:
        made = await world.procedure()
        with pytest.raises(NotFound):
            await dr.retire_procedure(world.uow(authorizer=OnlyIn(world.other_bu)), made.id, 1)


class TestTests:
    async def test_a_test_is_recorded_and_audited_on_its_procedure(
        self, world: ComplianceWorld
    ) -> None:
        made = await world.procedure()
        test = await world.test(
            made,
            2 * DAY,
            "failed",
            notes="Rollback hung",
            duration_minutes=45,
            evidence_url="https://ci.example/run/1",
        )
        assert (test.result, test.duration_minutes, test.bu_id) == ("failed", 45, world.bu)
        last = (await world.audit(made.id))[-1]
        assert (last.action, last.after["result"]) == ("dr_procedure.test", "failed")

    async def test_a_test_in_the_future_is_refused(self, world: ComplianceWorld) -> None:
        made = await world.procedure()
        with pytest.raises(DomainError) as e:
            await world.test(made, -HOUR)
        assert e.value.code == "TEST_IN_FUTURE"

    async def test_the_newest_and_the_newest_passing_test_are_read_in_one_go(
        self, world: ComplianceWorld
    ) -> None:
        made = await world.procedure()
        passed = await world.test(made, 10 * DAY)
        failed = await world.test(made, 1 * DAY, "failed")
        r = world.reader()
        assert (await ccq.last_tests(r, [made.id], only_passed=False))[made.id].id == failed.id
        assert (await ccq.last_tests(r, [made.id], only_passed=True))[made.id].id == passed.id


class TestTheGate:
    async def test_a_service_without_procedures_fails(self, world: ComplianceWorld) -> None:
        outcome = await dr.dr_gate(world.session, world.services["site"], world.clock.now())
        assert outcome.status == GateStatus.FAILED
        assert "no active service reversion procedure" in outcome.reason

    async def test_a_critical_service_is_held_to_its_tier_bound(
        self, world: ComplianceWorld
    ) -> None:
        # Critical services: 180 days (the tier profile); others: 365 (the core).
        revert = await world.procedure("api")
        restore = await world.procedure("api", "data_restoration")
        await world.test(revert, 10 * DAY)
        await world.test(restore, 200 * DAY)
        outcome = await dr.dr_gate(world.session, world.services["api"], world.clock.now())
        assert outcome.status == GateStatus.FAILED
        assert "200 days ago" in outcome.reason and "at most 180 days" in outcome.reason
        await world.test(restore, 3 * DAY)
        outcome = await dr.dr_gate(world.session, world.services["api"], world.clock.now())
        assert outcome.status == GateStatus.PASSED

    async def test_a_failed_test_does_not_refresh_a_procedure(self, world: ComplianceWorld) -> None:
        revert = await world.procedure("site")
        await world.test(revert, 400 * DAY)
        await world.test(revert, DAY, "failed")
        outcome = await dr.dr_gate(world.session, world.services["site"], world.clock.now())
        assert outcome.status == GateStatus.FAILED
        assert "400 days ago" in outcome.reason

    async def test_the_status_of_a_service_outside_your_bus_reads_as_absent(
        self, world: ComplianceWorld
    ) -> None:
        with pytest.raises(NotFound):
            await ccq.dr_status(
                world.reader(authorizer=OnlyIn(world.other_bu)),
                world.services["site"],
                world.clock.now(),
            )
