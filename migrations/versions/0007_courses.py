"""course records (повышение квалификации)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:40:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "course_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column(
            "form", sa.Enum("in_person", "distance", name="courseform", native_enum=False, length=16), nullable=False
        ),
        sa.Column("frdpp", sa.Boolean(), nullable=False),
        sa.Column("frdpp_number", sa.String(length=64), nullable=True),
        sa.Column("area", sa.String(length=8), nullable=True),
        sa.Column("step_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("certificate_file_id", sa.String(length=200), nullable=True),
        sa.Column("certificate_kind", sa.String(length=16), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "in_progress", "pending", "returned", "verified", name="coursestatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("return_reason", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("verified_by", sa.BigInteger(), nullable=True),
        sa.Column("verified_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["step_id"], ["route_steps.id"], name=op.f("fk_course_records_step_id_route_steps"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_course_records_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_records")),
    )
    with op.batch_alter_table("course_records", schema=None) as batch_op:
        batch_op.create_index("ix_course_records_status_end", ["status", "end_date"], unique=False)
        batch_op.create_index("ix_course_records_user_status", ["user_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("course_records", schema=None) as batch_op:
        batch_op.drop_index("ix_course_records_user_status")
        batch_op.drop_index("ix_course_records_status_end")
    op.drop_table("course_records")
