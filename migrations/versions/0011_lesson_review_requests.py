"""lesson review requests (instead of the objective check)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 10:00:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0011"
down_revision: Union[str, None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "lesson_review_requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "handled", name="reviewrequeststatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("open_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("handled_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("handled_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_lesson_review_requests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_review_requests")),
        sa.UniqueConstraint("open_user_id", name=op.f("uq_lesson_review_requests_open_user_id")),
    )
    with op.batch_alter_table("lesson_review_requests", schema=None) as batch_op:
        batch_op.create_index("ix_lesson_review_requests_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lesson_review_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_lesson_review_requests_status")
    op.drop_table("lesson_review_requests")
