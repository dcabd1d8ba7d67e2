"""the audit journal: committed audit entries waiting to be chained by a sealer (PostgreSQL
writers no longer take the chain lock; see README "The audit trail's write path")

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07

On PostgreSQL a row may not be updated (an entry is never rewritten before it is chained);
rows leave only by a sealer's DELETE, in the transaction that chains them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_NO_UPDATE = (
    """
    CREATE OR REPLACE FUNCTION audit_journal_no_update() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_journal entries are never rewritten: UPDATE refused'
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_journal_no_update
        BEFORE UPDATE ON audit_journal
        FOR EACH ROW EXECUTE FUNCTION audit_journal_no_update()
    """,
)


def upgrade() -> None:
    op.create_table(
        "audit_journal",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_subject", sa.String(length=128), nullable=False),
        sa.Column("actor_username", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_journal")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_NO_UPDATE:
            op.execute(statement)
        # Every row is inserted once and deleted within a second: vacuum it by the thousand
        # rows, not by a fraction of a table that is always nearly empty, so the sealer's
        # look-ups do not wade through dead rows under a steady write load.
        op.execute(
            "ALTER TABLE audit_journal SET (autovacuum_vacuum_scale_factor = 0, "
            "autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_insert_threshold = 1000)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_journal_no_update ON audit_journal")
        op.execute("DROP FUNCTION IF EXISTS audit_journal_no_update()")
    op.drop_table("audit_journal")
