"""Pure rules of data-migration safety: what a declaration must hold, and the `data_migrations`
gate of one service of a release.

Each migration the release declares for the service needs:
- pre-validation checks, each with its result on the target data (a failed one fails the gate,
  one not run yet leaves it pending);
- a dry run of this exact build on production-like data: a `migration_dry_run` report of the
  artifact being promoted whose `migrations` name the migration's key (a failed run, or one
  that met errors, fails the gate; one on fewer rows than the guardrail's share of the
  service's production rows does not count);
- a compensating step for rollback (a reverse migration or a documented compensating
  transaction), or an "irreversible" waiver approved by someone other than its declarer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.kernel import gates
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateKey, GateOutcome
from domain.kernel.rules import choice, trimmed
from domain.kernel.vocabulary import ChangeType
from domain.readiness.migration_errors import DataMigrationErrorCode as Code
from domain.readiness.migration_vocabulary import CompensationKind
from domain.readiness.volume_rules import VolumeFacts, shortfalls
from domain.readiness.volume_vocabulary import Dimension

GATE = str(GateKey.DATA_MIGRATIONS)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/@:+-]{0,199}$")
MAX_MIGRATIONS = 50
"""Per release: more is a sign the declarations are generated, not considered."""
MAX_PRE_CHECKS = 20
MIN_WAIVER_REASON = 20
DATA_CHANGE_TYPES = frozenset({ChangeType.SCHEMA_MIGRATION, ChangeType.DATA_FIX})
"""A release with one of these change types must declare its data migrations."""


@dataclass(frozen=True, slots=True)
class PreCheck:
    """One pre-validation check: what it verifies, and its result on the target data."""

    name: str
    verifies: str
    passed: bool | None = None
    """None until it has run on the target data."""
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "verifies": self.verifies,
            "passed": self.passed,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Compensation:
    kind: str
    reference: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class MigrationFacts:
    """A declared migration as the decision reads it."""

    id: uuid.UUID
    release_id: uuid.UUID
    service_id: uuid.UUID
    key: str
    pre_checks: tuple[PreCheck, ...]
    compensation_kind: str | None
    waiver_approved_by: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class DryRunFacts:
    """A `migration_dry_run` report of the artifact, as this gate reads it."""

    evidence_id: uuid.UUID
    tool: str
    succeeded: bool
    migrations: tuple[str, ...]
    rows_scanned: int | None
    errors: int


# -- declarations ---------------------------------------------------------------------------


def check_key(value: str) -> str:
    key = value.strip()
    if not KEY_PATTERN.match(key):
        raise DomainError(
            "A migration key is 1-200 letters, digits and . _ / @ : + - (as the dry run names "
            "it, e.g. the alembic revision or the Flyway version).",
            code=Code.INVALID_MIGRATION_KEY,
            field="key",
        )
    return key


def check_pre_checks(checks: Sequence[PreCheck]) -> list[dict[str, Any]]:
    """The checks as stored: names unique, each saying what it verifies."""
    if len(checks) > MAX_PRE_CHECKS:
        raise DomainError(
            f"At most {MAX_PRE_CHECKS} pre-validation checks per migration.",
            code=Code.TOO_MANY_PRE_CHECKS,
            field="preChecks",
        )
    out, seen = [], set()
    for c in checks:
        name = trimmed(
            c.name, 1, 200, "A check's name is 1 to 200 characters.",
            code=Code.INVALID_PRE_CHECK, field="preChecks.name",
        )  # fmt: skip
        if name in seen:
            raise DomainError(
                f"Two checks are named {name!r}.", code=Code.INVALID_PRE_CHECK, field="preChecks"
            )
        seen.add(name)
        verifies = trimmed(
            c.verifies, 1, 1000, "Say what the check verifies, in 1 to 1000 characters.",
            code=Code.INVALID_PRE_CHECK, field="preChecks.verifies",
        )  # fmt: skip
        detail = trimmed(
            c.detail, 0, 2000, "A check's detail is at most 2000 characters.",
            code=Code.INVALID_PRE_CHECK, field="preChecks.detail",
        )  # fmt: skip
        out.append(PreCheck(name, verifies, c.passed, detail).as_json())
    return out


def check_compensation(c: Compensation) -> tuple[CompensationKind, str, str]:
    """(kind, reference, notes): a reverse migration or compensating transaction names where
    it is; an irreversible waiver says why in at least 20 characters."""
    kind = choice(CompensationKind, c.kind, Code.INVALID_COMPENSATION_KIND, "kind")
    reference, notes = c.reference.strip(), c.notes.strip()
    if len(reference) > 2000 or len(notes) > 4000:
        raise DomainError(
            "A reference is at most 2000 characters, notes at most 4000.",
            code=Code.COMPENSATION_REFERENCE_REQUIRED,
            field="reference",
        )
    if kind is CompensationKind.IRREVERSIBLE:
        if len(notes) < MIN_WAIVER_REASON:
            raise DomainError(
                f"An irreversible migration says why nothing can undo it, in at least "
                f"{MIN_WAIVER_REASON} characters.",
                code=Code.WAIVER_REASON_TOO_SHORT,
                field="notes",
            )
    elif not reference:
        raise DomainError(
            "Name the reverse migration or link the documented compensating transaction.",
            code=Code.COMPENSATION_REFERENCE_REQUIRED,
            field="reference",
        )
    return kind, reference, notes


def pre_checks_of(stored: Sequence[Mapping[str, Any]]) -> tuple[PreCheck, ...]:
    return tuple(
        PreCheck(c["name"], c["verifies"], c.get("passed"), c.get("detail", "")) for c in stored
    )


# -- the gate -------------------------------------------------------------------------------


def _pre_check_problems(m: MigrationFacts) -> tuple[list[str], list[str]]:
    if not m.pre_checks:
        return [], ["no pre-validation check is declared"]
    failed = [
        f"pre-check '{c.name}' failed on the target data ({c.detail or 'no detail'})"
        for c in m.pre_checks
        if c.passed is False
    ]
    missing = [
        f"pre-check '{c.name}' has no result on the target data"
        for c in m.pre_checks
        if c.passed is None
    ]
    return failed, missing


def _dry_run_problems(
    m: MigrationFacts,
    dry_runs: Sequence[DryRunFacts],
    production: VolumeFacts | None,
    minimum_percent: float,
) -> tuple[list[str], list[str]]:
    runs = [d for d in dry_runs if m.key in d.migrations]
    if not runs:
        return [], ["no dry run of this build names it"]
    bad = [d for d in runs if not d.succeeded or d.errors > 0]
    if bad:
        return [f"the dry run by {d.tool} failed ({d.errors} error(s))" for d in bad], []
    short = [
        shortfalls({Dimension.ROWS: d.rows_scanned}, production, minimum_percent, (Dimension.ROWS,))
        for d in runs
    ]
    if all(short):
        return [], [f"the dry run is not on production-like data: {'; '.join(short[0])}"]
    return [], []


def _compensation_problems(m: MigrationFacts) -> list[str]:
    if m.compensation_kind is None:
        return ["no compensating step for rollback (a reverse migration or a documented "
                "compensating transaction) nor an approved irreversible waiver"]  # fmt: skip
    if m.compensation_kind == CompensationKind.IRREVERSIBLE and m.waiver_approved_by is None:
        return ["it is declared irreversible and the waiver is not approved yet"]
    return []


def data_migrations_gate(
    migrations: Sequence[MigrationFacts],
    dry_runs: Sequence[DryRunFacts],
    change_types: Collection[str],
    production: VolumeFacts | None,
    minimum_percent: float,
) -> GateOutcome:
    """Every migration the release declares for the service is pre-validated, dry-run on this
    build at production-like volume and compensable (or its irreversibility approved)."""
    if not migrations:
        needs = sorted(str(c) for c in DATA_CHANGE_TYPES & set(change_types))
        if needs:
            return gates.pending(
                GATE,
                f"The release's change types include {' and '.join(needs)}: declare the data "
                "migrations it carries for this service.",
                required=True,
                changeTypes=needs,
            )
        return gates.passed(GATE, "The release declares no data migration of this service.")
    failed: list[str] = []
    missing: list[str] = []
    for m in migrations:
        f1, m1 = _pre_check_problems(m)
        f2, m2 = _dry_run_problems(m, dry_runs, production, minimum_percent)
        failed += [f"{m.key}: {p}" for p in f1 + f2]
        missing += [f"{m.key}: {p}" for p in m1 + m2 + _compensation_problems(m)]
    keys = {m.key for m in migrations}
    used = sorted({str(d.evidence_id) for d in dry_runs if keys & set(d.migrations)})
    evidence = {
        "dataMigrationIds": [str(m.id) for m in migrations],
        "evidenceIds": used,
        "failed": failed,
        "missing": missing,
    }
    if failed:
        return gates.failed(GATE, "; ".join(failed + missing) + ".", **evidence)
    if missing:
        return gates.pending(GATE, "; ".join(missing) + ".", **evidence)
    return gates.passed(
        GATE,
        f"{len(migrations)} data migration(s) ({', '.join(sorted(keys))}) pre-validated, "
        "dry-run on this build at production-like volume and compensable.",
        **evidence,
    )
