"""SQLite refuses UPDATE and DELETE on the audit trail, as PostgreSQL's trigger does since 0001

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

The message is PostgreSQL's ("audit_records is append-only: UPDATE refused"). SQLite has no
TRUNCATE; its `DELETE FROM audit_records` fires the DELETE trigger. A batch migration that copies
audit_records into a new table would lose these triggers: such a migration must create them
again (SQLITE_TRIGGERS below).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGERS = tuple(
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_records_no_{operation.lower()}
    BEFORE {operation} ON audit_records
    BEGIN
        SELECT RAISE(ABORT, 'audit_records is append-only: {operation} refused');
    END
    """
    for operation in ("UPDATE", "DELETE")
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_records_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_records_no_update")
