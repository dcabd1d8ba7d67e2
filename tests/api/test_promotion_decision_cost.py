"""The cold decision snapshot reads a bounded number of statements, whatever the release ships.

Gathering reads each context once, in batches, and computes the effective guardrails once:
before the decision was split into gather and judge, the same snapshot took 78 statements
(the guardrails were computed five times and the release assessed twice).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.graphql.relay import from_global_id
from domain.pipelines.gather import Ask, take_snapshot, take_snapshots
from tests.api.conftest import Api
from tests.api.governance_support import fill_missing, move, release, services
from tests.api.test_promotion_decision import scan, world
from tests.api.test_query_cost import counting

ROOT = Path(__file__).resolve().parents[2]

MOST = 40
"""Statements a cold production snapshot with a release may read (78 before the split, 45
before issue 19). Issue 16 added the services' declared NFRs, the versions' staging runs, the
release's data migrations, its readiness review with its items, its downtime notice with its
recipients, and the services' production history (their first-launch reviews are read in the
release review's statement). Issue 19 reads the release's shipped services once (for its
facts, sign-offs and documentation), each version's artifact with its latest evidence in one
statement, each pipeline with its latest run in one, and each DR procedure with its last pass
in one."""


async def _statements(api: Api, w: dict[str, Any]) -> int:
    ask = Ask(
        from_global_id(w["service"]),
        from_global_id(w["env"]["id"]),
        w["version"],
        from_global_id(w["release"]["id"]),
    )
    async with api.runtime.db.read_session() as session:
        with counting(api) as statements:
            await take_snapshot(session, ask, api.runtime.clock.now())
    return len(statements)


class TestTheColdSnapshotReadsABoundedNumberOfStatements:
    async def test_a_production_snapshot_reads_the_same_few_statements_for_one_or_three_services(
        self, api: Api
    ) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        one = await _statements(api, w)
        others = await services(api, "payments", 2)
        shipped = [w["service"], *others]
        rel = await fill_missing(api, await release(api, service_ids=shipped, changeTypes=["UI"]))
        three = await _statements(
            api, {**w, "release": (await move(api, rel, "Submit"))["release"]}
        )
        assert one <= MOST, one
        assert three == one


def _reading(statements: list[str], table: str) -> int:
    return sum(f"FROM {table}" in s for s in statements)


class TestTheReadinessFactsAreReadOncePerSnapshotBatch:
    """Issue 16 adds two batched reads, each a fixed statement whatever the services: the
    release's declared data migrations (production asks with a release) and the production
    volume profiles (only of services whose guardrails set a volume floor, tier 1 by default).
    A tier-1-free production snapshot therefore reads one statement more than before."""

    async def test_the_release_migrations_once_and_no_volume_without_a_floor(
        self, api: Api
    ) -> None:
        w = await world(api)
        ask = Ask(
            from_global_id(w["service"]),
            from_global_id(w["env"]["id"]),
            w["version"],
            from_global_id(w["release"]["id"]),
        )
        async with api.runtime.db.read_session() as session:
            with counting(api) as statements:
                await take_snapshot(session, ask, api.runtime.clock.now())
        assert _reading(statements, "readiness_data_migrations") == 1
        assert _reading(statements, "readiness_volume_profiles") == 0

    async def test_the_volume_profiles_of_tier_1_services_in_one_statement(self, api: Api) -> None:
        w = await world(api)
        critical = await services(api, "payments", 3, tier="CRITICAL")
        asks = [Ask(from_global_id(s), from_global_id(w["env"]["id"]), "1.0.0") for s in critical]
        async with api.runtime.db.read_session() as session:
            with counting(api) as statements:
                await take_snapshots(session, asks, api.runtime.clock.now())
        assert _reading(statements, "readiness_volume_profiles") == 1
        assert _reading(statements, "readiness_data_migrations") == 0


BUILT_ONCE = (
    "domain.calendar.freeze_repository",
    "domain.compliance.bypass_repository",
    "domain.compliance.dr_repository",
    "domain.governance.board_repository",
    "domain.governance.repository",
    "domain.guardrails.repository",
    "domain.organization.facts",
    "domain.organization.vendor_repository",
    "domain.pipelines.definition_repository",
    "domain.pipelines.launch_repository",
    "domain.pipelines.repository",
    "domain.readiness.migration_repository",
    "domain.readiness.nfr_repository",
    "domain.readiness.notice_repository",
    "domain.readiness.review_repository",
    "domain.risk.factors",
    "domain.risk.repository",
    "domain.trains.facts",
)
"""The modules whose statements a cold snapshot reads are built once, at import."""

UNTYPED = """
import sys, importlib
from sqlalchemy import Select
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.sqltypes import NullType
module = importlib.import_module(sys.argv[1])
for name, value in vars(module).items():
    for statement in value.values() if isinstance(value, dict) else [value]:
        if isinstance(statement, Select):
            for key, bind in statement.compile(dialect=sqlite.dialect()).binds.items():
                if isinstance(bind.type, NullType):
                    print(name, key)
"""


class TestStatementsBuiltOnceBindTypedParameters:
    """A statement built at import binds its parameters with the types it was built with: a
    foreign-key column has none until the table it references is defined, so a module imported
    before that table (as `signalbox demo` imports them) would pass ids SQLite cannot bind.
    Each module is imported alone, in a process of its own."""

    @pytest.mark.parametrize("module", BUILT_ONCE)
    def test_no_parameter_is_untyped_when_the_module_is_imported_first(self, module: str) -> None:
        found = subprocess.run(
            [sys.executable, "-c", UNTYPED, module],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert found.stdout == "", found.stdout
