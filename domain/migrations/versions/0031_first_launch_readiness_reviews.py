"""A readiness review of a service for its first launch, beside the reviews of releases

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07

`readiness_reviews.release_id` becomes nullable and `service_id` is added: exactly one of them
is set (check `ck_readiness_reviews_one_subject`), one review per service at most
(`uq_readiness_reviews_service_id`, which also serves the lookup by service). SQLite alters
the table in batch mode (a copy), PostgreSQL in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

T = "readiness_reviews"
ONE_SUBJECT = (
    "(release_id IS NULL AND service_id IS NOT NULL)"
    " OR (release_id IS NOT NULL AND service_id IS NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table(T, schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_id", sa.Uuid(), nullable=True))
        batch_op.alter_column("release_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.create_foreign_key(
            op.f(f"fk_{T}_service_id_services"), "services", ["service_id"], ["id"]
        )
        batch_op.create_unique_constraint(op.f(f"uq_{T}_service_id"), ["service_id"])
        batch_op.create_check_constraint(op.f(f"ck_{T}_one_subject"), ONE_SUBJECT)


def downgrade() -> None:
    op.execute(
        "DELETE FROM readiness_review_items WHERE review_id IN "
        "(SELECT id FROM readiness_reviews WHERE service_id IS NOT NULL)"
    )
    op.execute("DELETE FROM readiness_reviews WHERE service_id IS NOT NULL")
    with op.batch_alter_table(T, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{T}_one_subject"), type_="check")
        batch_op.drop_constraint(op.f(f"uq_{T}_service_id"), type_="unique")
        batch_op.drop_constraint(op.f(f"fk_{T}_service_id_services"), type_="foreignkey")
        batch_op.alter_column("release_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_column("service_id")
