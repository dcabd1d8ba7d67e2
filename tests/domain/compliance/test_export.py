"""Exporting the audit trail, and the standalone script auditors verify an export with."""

from __future__ import annotations

import ast
import asyncio
import io
import json
import shutil
import sys
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import repository as repo
from domain.compliance import rules, verify_export
from domain.compliance.repository import AuditFilter
from domain.compliance.service import export_audit_trail
from domain.kernel.access import Action, Actor
from domain.kernel.clock import FixedClock
from domain.kernel.errors import Forbidden
from domain.kernel.uow import UnitOfWork
from tests.world import Grants, unit_of_work

SCRIPT = Path(verify_export.__file__)

RITA = Actor(
    person_id=uuid.uuid4(), username="rita", display_name="Rita Release", subjects=("person:rita",)
)


AUDITOR = Grants({Action.READ: [None], Action.EXPORT: [None]})


def uow_at(session: AsyncSession, now: datetime, authorizer: Grants = AUDITOR) -> UnitOfWork:
    return unit_of_work(session, RITA, clock=FixedClock(now), authorizer=authorizer)


async def record_changes(
    session: AsyncSession, now: datetime, bu_ids: list[uuid.UUID | None]
) -> list[int]:
    """Commit one change per BU given; the seqs they got."""
    start = await repo.head(session)
    uow = uow_at(session, now)
    for n, bu_id in enumerate(bu_ids):
        uow.record(
            action="gate.waive",
            entity_type="gate",
            entity_id=f"gate-{n}",
            bu_id=bu_id,
            rule="p, release_manager, *, gate, update",
            before={"status": "failed"},
            after={"status": "waived", "reason": "Notfall — ticket 42", "score": 0.75},
        )
    await uow.commit()
    first = 1 if start is None else start.seq + 1
    return list(range(first, first + len(bu_ids)))


async def export(session: AsyncSession, now: datetime, where: AuditFilter = AuditFilter()) -> bytes:
    return b"".join([line async for line in export_audit_trail(uow_at(session, now), where)])


async def run_script(tmp_path: Path, export_bytes: bytes, *args: str) -> tuple[int, str]:
    """Run the script as an auditor would: a copy of the file, alone, on a file of lines."""
    alone = tmp_path / "verify_export.py"
    target = tmp_path / "export.jsonl"
    await asyncio.to_thread(shutil.copyfile, SCRIPT, alone)
    await asyncio.to_thread(target.write_bytes, export_bytes)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        str(alone),
        *args,
        str(target),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, output.decode()


def lines_by_seq(export_bytes: bytes) -> dict[int, dict[str, Any]]:
    records = (json.loads(line) for line in export_bytes.splitlines())
    return {record["seq"]: record for record in records}


def replace_line(export_bytes: bytes, seq: int, **changes: Any) -> bytes:
    out = []
    for line in export_bytes.splitlines(keepends=True):
        record = json.loads(line)
        if record["seq"] == seq:
            line = (json.dumps({**record, **changes}, ensure_ascii=False) + "\n").encode()
        out.append(line)
    return b"".join(out)


def drop_line(export_bytes: bytes, seq: int) -> bytes:
    return b"".join(
        line for line in export_bytes.splitlines(keepends=True) if json.loads(line)["seq"] != seq
    )


# -- the export ------------------------------------------------------------------------------


class TestTheExportIsOneCanonicalRecordPerLine:
    async def test_with_every_field_seq_prev_hash_and_hash(
        self, session: AsyncSession, now: datetime
    ) -> None:
        seqs = await record_changes(session, now, [None, uuid.uuid4()])

        lines = lines_by_seq(await export(session, now))

        rows = {r["seq"]: r for r in await _rows(session, seqs[0] - 1)}
        for seq in seqs:
            line = lines[seq]
            assert set(line) == set(rules.RECORD_FIELDS)
            assert line["occurred_at"] == rules.format_instant(now)
            assert line["hash"] == rows[seq]["hash"]
            assert line["hash"] == rules.record_hash(line, line["prev_hash"])
            assert rules.export_line(rows[seq]) == rules.export_line(line)
        assert list(lines) == sorted(lines)
        assert lines[seqs[1]]["prev_hash"] == lines[seqs[0]]["hash"]

    async def test_filtered_by_bu_holds_only_that_bus_records(
        self, session: AsyncSession, now: datetime
    ) -> None:
        payments = uuid.uuid4()
        seqs = await record_changes(session, now, [payments, None, payments])

        lines = lines_by_seq(await export(session, now, AuditFilter(bu_id=payments)))

        assert list(lines) == [seqs[0], seqs[2]]

    async def test_needs_export_permission_before_anything_streams(
        self, session: AsyncSession, now: datetime
    ) -> None:
        reader = Grants({Action.READ: [None]})
        with pytest.raises(Forbidden):
            export_audit_trail(uow_at(session, now, reader))  # not even iterated

    async def test_an_exporter_in_one_bu_gets_only_that_bus_records(
        self, session: AsyncSession, now: datetime
    ) -> None:
        mine, theirs = uuid.uuid4(), uuid.uuid4()
        seqs = await record_changes(session, now, [mine, theirs, None, mine])
        bu_exporter = Grants({Action.READ: [mine], Action.EXPORT: [mine]})

        lines = b"".join(
            [line async for line in export_audit_trail(uow_at(session, now, bu_exporter))]
        )

        assert {r["bu_id"] for r in lines_by_seq(lines).values()} == {str(mine)}
        assert sorted(lines_by_seq(lines)) == [seqs[0], seqs[3]]


async def _rows(session: AsyncSession, after_seq: int) -> list[dict[str, Any]]:
    return [r async for r in repo.stream_records(session, after_seq=after_seq)]


# -- the standalone script, on real exports --------------------------------------------------


class TestTheScriptVerifiesAnExport:
    async def test_an_intact_full_export_passes(
        self, session: AsyncSession, now: datetime, tmp_path: Path
    ) -> None:
        await record_changes(session, now, [None, uuid.uuid4(), None])

        code, output = await run_script(tmp_path, await export(session, now), "--complete")

        assert code == 0, output
        assert "INTACT" in output and "0 gap(s)" in output

    async def test_a_tampered_line_is_reported_with_its_seq_and_reason(
        self, session: AsyncSession, now: datetime, tmp_path: Path
    ) -> None:
        seqs = await record_changes(session, now, [None, None, None])
        tampered = replace_line(await export(session, now), seqs[1], action="gate.pass")

        code, output = await run_script(tmp_path, tampered)

        assert code == 1
        assert f"BROKEN at seq {seqs[1]}" in output and "HASH_MISMATCH" in output

    async def test_a_removed_line_is_a_gap_and_in_a_full_export_a_break(
        self, session: AsyncSession, now: datetime, tmp_path: Path
    ) -> None:
        seqs = await record_changes(session, now, [None, None, None])
        shortened = drop_line(await export(session, now), seqs[1])

        code, output = await run_script(tmp_path, shortened)
        assert code == 0, output
        assert f"gap: seq {seqs[1]} not in this export" in output

        code, output = await run_script(tmp_path, shortened, "--complete")
        assert code == 1
        assert f"BROKEN at seq {seqs[2]}" in output and "SEQUENCE_GAP" in output

    async def test_swapped_lines_break_the_order(
        self, session: AsyncSession, now: datetime, tmp_path: Path
    ) -> None:
        seqs = await record_changes(session, now, [None, None])
        lines = (await export(session, now)).splitlines(keepends=True)
        lines[-2], lines[-1] = lines[-1], lines[-2]

        code, output = await run_script(tmp_path, b"".join(lines))

        assert code == 1
        assert f"BROKEN at seq {seqs[0]}" in output and "SEQUENCE_NOT_INCREASING" in output

    async def test_a_filtered_export_reports_its_gaps_and_still_checks_each_hash(
        self, session: AsyncSession, now: datetime, tmp_path: Path
    ) -> None:
        payments = uuid.uuid4()
        seqs = await record_changes(session, now, [payments, None, payments, payments])
        filtered = await export(session, now, AuditFilter(bu_id=payments))

        code, output = await run_script(tmp_path, filtered)
        assert code == 0, output
        assert f"gap: seq {seqs[1]} not in this export" in output
        assert "a partial export" in output

        forged = replace_line(filtered, seqs[2], after={"status": "passed"})
        code, output = await run_script(tmp_path, forged)
        assert code == 1
        assert f"BROKEN at seq {seqs[2]}" in output and "HASH_MISMATCH" in output

    async def test_an_anchor_catches_an_export_cut_short(
        self, session: AsyncSession, now: datetime, tmp_path: Path
    ) -> None:
        seqs = await record_changes(session, now, [None, None])
        full = await export(session, now)
        anchor = f"{seqs[1]}:{lines_by_seq(full)[seqs[1]]['hash']}"

        code, output = await run_script(tmp_path, full, "--anchor", anchor)
        assert code == 0, output

        code, output = await run_script(tmp_path, drop_line(full, seqs[1]), "--anchor", anchor)
        assert code == 1
        assert f"BROKEN at seq {seqs[1]}" in output and "TRUNCATED" in output

    async def test_a_line_that_is_not_a_record_is_malformed(self, tmp_path: Path) -> None:
        code, output = await run_script(tmp_path, b'{"seq": 1}\n')
        assert code == 1
        assert "MALFORMED_RECORD" in output and "line 1" in output


ONE_RECORD: dict[str, Any] = {
    "occurred_at": datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
    **dict.fromkeys(("actor_subject", "actor_username", "action", "entity_type"), "x"),
    **dict.fromkeys(("entity_id", "rule"), "y"),
    **dict.fromkeys(("token_id", "bu_id", "before", "after", "request_id")),
}


def imported_by(nodes: Iterable[ast.AST]) -> set[str]:
    return {
        name.split(".")[0]
        for node in nodes
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }


class TestTheScriptStandsAlone:
    def test_it_imports_only_the_standard_library(self) -> None:
        """At module level; `cryptography` only inside the check of a checkpoint's signature."""
        tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
        top = imported_by(tree.body)
        assert top <= set(sys.stdlib_module_names) | {"__future__"}
        assert imported_by(ast.walk(tree)) - top == {"cryptography"}

    def test_without_cryptography_it_verifies_exports_and_says_why_not_checkpoints(
        self, tmp_path: Path
    ) -> None:
        export = tmp_path / "export.jsonl"
        export.write_bytes(b"".join(rules.export_line(r) for r in rules.link([ONE_RECORD], None)))
        checkpoint = tmp_path / "checkpoint.json"
        checkpoint.write_text('{"format": "signalbox-audit-checkpoint/v1"}\n')
        stderr = io.StringIO()
        with pytest.MonkeyPatch.context() as patch:
            for name in [m for m in sys.modules if m.split(".")[0] == "cryptography"]:
                patch.setitem(sys.modules, name, None)
            patch.setitem(sys.modules, "cryptography", None)
            patch.setattr(sys, "stderr", stderr)
            patch.setattr(sys, "stdout", io.StringIO())
            assert verify_export.main([str(export)]) == 0
            args = ["--checkpoint", str(checkpoint), "--public-key", "A" * 43 + "=", str(export)]
            assert verify_export.main(args) == 2
        assert "needs the cryptography package" in stderr.getvalue()

    def test_an_unreadable_file_exits_with_two(self, tmp_path: Path) -> None:
        stderr = io.StringIO()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stderr", stderr)
            assert verify_export.main([str(tmp_path / "missing.jsonl")]) == 2
        assert "cannot read" in stderr.getvalue()


# -- the script and the rules agree ----------------------------------------------------------

texts = st.text(st.characters(codec="utf-8"), max_size=16)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
entry_fields = st.fixed_dictionaries(
    {
        "occurred_at": st.datetimes(
            min_value=datetime(1970, 1, 2),
            max_value=datetime(2200, 1, 1),
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=-3, minutes=-30))]),
        ),
        "actor_subject": texts,
        "actor_username": texts,
        "token_id": st.none() | st.uuids(),
        "action": texts,
        "entity_type": texts,
        "entity_id": texts,
        "bu_id": st.none() | st.uuids(),
        "before": st.none() | st.dictionaries(texts, json_values, max_size=3),
        "after": st.none() | st.dictionaries(texts, json_values, max_size=3),
        "rule": texts,
        "request_id": st.none() | texts,
    }
)
chains = st.lists(entry_fields, min_size=1, max_size=6).map(lambda f: rules.link(f, None))


class TestTheScriptAgreesWithTheRules:
    @given(entry_fields, st.integers(min_value=1), st.text("0123456789abcdef", min_size=64))
    def test_on_the_canonical_bytes_and_hash_of_any_record(
        self, fields: dict[str, Any], seq: int, prev_hash: str
    ) -> None:
        record = {**fields, "seq": seq, "prev_hash": prev_hash}
        assert verify_export.canonical_bytes(record) == rules.canonical_bytes(record)
        assert verify_export.record_hash(record, prev_hash) == rules.record_hash(record, prev_hash)

    @given(chains)
    def test_on_the_hash_of_a_record_read_back_from_its_export_line(
        self, chain: list[dict[str, Any]]
    ) -> None:
        for record in chain:
            parsed = verify_export.parse_line(rules.export_line(record))
            assert verify_export.record_hash(parsed, parsed["prev_hash"]) == record["hash"]

    @given(chains, st.data())
    def test_on_the_verdict_for_any_single_change_to_a_full_export(
        self, chain: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        position = data.draw(st.integers(0, len(chain) - 1), label="position")
        field = data.draw(st.sampled_from(rules.RECORD_FIELDS), label="field")
        new = data.draw(
            st.integers(-3, 100) if field == "seq" else texts | st.none() | st.uuids(),
            label="new value",
        )
        tampered = [dict(record) for record in chain]
        tampered[position][field] = new
        assume(rules.export_line(tampered[position]) != rules.export_line(chain[position]))

        expected = rules.verify_chain(tampered)
        found = verify_export.verify(
            [rules.export_line(record) for record in tampered], complete=True
        )

        assert (found.ok, found.reason, found.first_broken_seq, found.checked) == (
            expected.ok,
            expected.reason,
            expected.first_broken_seq,
            expected.checked,
        )
