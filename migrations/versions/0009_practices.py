"""practices and their use, open lessons and visits

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:40:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0009"
down_revision: Union[str, None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lesson_approval_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "practices",
        sa.Column("id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("material_kind", sa.String(length=16), nullable=True),
        sa.Column("material_ref", sa.String(length=500), nullable=True),
        sa.Column("material_name", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "returned", "approved", name="practicestatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=True),
        sa.Column("visibility_org_id", ID, nullable=True),
        sa.Column("moderator_comment", sa.String(length=1000), nullable=True),
        sa.Column("moderated_by", sa.BigInteger(), nullable=True),
        sa.Column("submitted_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("approved_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_practices_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_practices_org_id_organizations"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["visibility_org_id"],
            ["organizations.id"],
            name=op.f("fk_practices_visibility_org_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
    )
    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practices_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_practices_status_visibility", ["status", "visibility_org_id"], unique=False)

    op.create_table(
        "practice_uses",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("step_id", ID, nullable=True),
        sa.Column("reflection", sa.String(length=2000), nullable=True),
        sa.Column("applied_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_practice_uses_practice_id_practices"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["route_steps.id"], name=op.f("fk_practice_uses_step_id_route_steps"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_uses_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_uses")),
        sa.UniqueConstraint("practice_id", "user_id", name=op.f("uq_practice_uses_practice_id_user_id")),
    )
    with op.batch_alter_table("practice_uses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_uses_practice_id"), ["practice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_uses_user_id"), ["user_id"], unique=False)

    op.create_table(
        "practice_questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("asker_id", ID, nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("answer", sa.String(length=1000), nullable=True),
        sa.Column("asked_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("answered_at", models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["users.id"], name=op.f("fk_practice_questions_asker_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_questions_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_questions")),
    )
    with op.batch_alter_table("practice_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_questions_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_questions_practice_id"), ["practice_id"], unique=False)

    op.create_table(
        "open_lessons",
        sa.Column("id", ID, nullable=False),
        sa.Column("host_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=True),
        sa.Column("audience_org_id", ID, nullable=True),
        sa.Column("starts_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("class_name", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "planned", "held", "cancelled", name="lessonstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_org_id"],
            ["organizations.id"],
            name=op.f("fk_open_lessons_audience_org_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["users.id"], name=op.f("fk_open_lessons_host_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_open_lessons_org_id_organizations"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_lessons")),
    )
    with op.batch_alter_table("open_lessons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_open_lessons_audience_status", ["audience_org_id", "status", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_open_lessons_host_id"), ["host_id"], unique=False)

    op.create_table(
        "lesson_visits",
        sa.Column("id", ID, nullable=False),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("visitor_id", ID, nullable=False),
        sa.Column(
            "status",
            sa.Enum("booked", "cancelled", name="visitstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("step_id", ID, nullable=True),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("takeaway", sa.String(length=1000), nullable=True),
        sa.Column("question", sa.String(length=1000), nullable=True),
        sa.Column("card_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["open_lessons.id"], name=op.f("fk_lesson_visits_lesson_id_open_lessons"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["route_steps.id"], name=op.f("fk_lesson_visits_step_id_route_steps"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["users.id"], name=op.f("fk_lesson_visits_visitor_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_visits")),
        sa.UniqueConstraint("lesson_id", "visitor_id", name=op.f("uq_lesson_visits_lesson_id_visitor_id")),
    )
    with op.batch_alter_table("lesson_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_visits_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lesson_visits_visitor_id"), ["visitor_id"], unique=False)


def downgrade() -> None:
    op.drop_table("lesson_visits")
    op.drop_table("open_lessons")
    op.drop_table("practice_questions")
    op.drop_table("practice_uses")
    op.drop_table("practices")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("lesson_approval_required")
