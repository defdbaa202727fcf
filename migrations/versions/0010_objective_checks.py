"""objective checks of the self-assessment

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:40:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0010"
down_revision: Union[str, None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "objective_checks",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("area", sa.String(length=8), nullable=False),
        sa.Column("bank_version", sa.String(length=32), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("in_progress", "completed", "abandoned", name="attemptstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("diagnosis_attempt_id", ID, nullable=True),
        sa.Column("self_zone", sa.String(length=16), nullable=True),
        sa.Column("correct", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("zone", sa.String(length=16), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("completed_at", models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["diagnosis_attempt_id"],
            ["diagnosis_attempts.id"],
            name=op.f("fk_objective_checks_diagnosis_attempt_id_diagnosis_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_objective_checks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_checks")),
    )
    with op.batch_alter_table("objective_checks", schema=None) as batch_op:
        batch_op.create_index("ix_objective_checks_user_status", ["user_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("objective_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_objective_checks_user_status")
    op.drop_table("objective_checks")
