"""`signalbox import-history`: a small JSON Lines file imported by service in batches, again
without adding anything; a bad line refused before anything is stored; a refused batch's
problems named by line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from api.cli import main
from api.history_cli import HistoryFileError, ImportRefused, batches, import_batches
from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.history_support import daily, iso
from tests.api.test_incident_attribution_support import production, service_key


async def _lines(api: Api) -> list[str]:
    [service] = await services(api, "payments")
    key = await service_key(api, service)
    env = await production(api)
    first = api.runtime.clock.now() - timedelta(days=30)
    lines = []
    for r in daily(env, first, 3):
        r.pop("environmentKey")
        lines.append(json.dumps({"service": key, "environment": env["key"], **r}))
    incident = {
        "incidentRef": f"CLI-{key}",
        "detectedAt": iso(first + timedelta(hours=2)),
        "resolvedAt": iso(first + timedelta(hours=3)),
        "severity": "P2",
    }
    lines.append(json.dumps({"service": key, "incident": incident}))
    return lines


class TestAFile:
    async def test_is_imported_then_imported_again_without_adding(self, api: Api) -> None:
        lines = await _lines(api)
        done = await import_batches(api.runtime, batches(lines), "rmo")
        assert [line.split(": ", 1)[1] for line in done] == [
            "3 deployments added, 0 known; 1 incidents added, 0 known"
        ]
        again = await import_batches(api.runtime, batches(lines), "rmo")
        assert [line.split(": ", 1)[1] for line in again] == [
            "0 deployments added, 3 known; 0 incidents added, 1 known"
        ]

    async def test_is_split_into_batches(self, api: Api) -> None:
        lines = await _lines(api)
        found = batches(lines, size=2)
        assert [(len(b.records), len(b.incidents)) for b in found] == [(2, 0), (1, 1)]
        done = await import_batches(api.runtime, found, "rmo")
        assert len(done) == 2

    async def test_a_refused_batch_names_its_lines(self, api: Api) -> None:
        lines = await _lines(api)
        bad = json.loads(lines[1])
        bad["outcome"] = "exploded"
        lines[1] = json.dumps(bad)
        with pytest.raises(ImportRefused) as refused:
            await import_batches(api.runtime, batches(lines), "rmo")
        assert refused.value.done == []
        [problem] = refused.value.problems
        assert "line 2 outcome: UNKNOWN_OUTCOME" in problem

    async def test_a_user_who_may_not_is_refused(self, api: Api) -> None:
        lines = await _lines(api)
        with pytest.raises(ImportRefused) as refused:
            await import_batches(api.runtime, batches(lines), "engineer")
        assert "FORBIDDEN" in refused.value.problems[0]


class TestABadLine:
    def test_is_named_before_anything_is_stored(self) -> None:
        with pytest.raises(HistoryFileError, match="line 2"):
            batches(['{"service": "a", "incident": {"detectedAt": "2026-01-01T00:00:00Z"}}', "{"])

    def test_ends_the_command_with_its_line(self, tmp_path: Path) -> None:
        path = tmp_path / "history.jsonl"
        record: dict[str, Any] = {"service": "card-gateway", "finishedAt": "yesterday"}
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["import-history", str(path), "--user", "rmo"])
        assert result.exit_code == 1
        assert "line 1" in result.output
