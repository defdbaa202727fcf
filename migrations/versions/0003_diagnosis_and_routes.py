"""diagnosis, content versions, catalogue, routes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:00:15.229226
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("area", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column(
            "form",
            sa.Enum("formal", "non_formal", "informal", name="activityform", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("code", name=op.f("uq_activities_code")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_area"), ["area"], unique=False)

    op.create_table(
        "content_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("loaded_by", sa.BigInteger(), nullable=True),
        sa.Column("loaded_at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_versions")),
        sa.UniqueConstraint("kind", "checksum", name=op.f("uq_content_versions_kind_checksum")),
    )
    op.create_table(
        "diagnosis_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("variant", sa.String(length=16), nullable=False),
        sa.Column("content_version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "status",
            sa.Enum("in_progress", "completed", "abandoned", name="attemptstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("current_index", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("completed_at", models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_version_id"],
            ["content_versions.id"],
            name=op.f("fk_diagnosis_attempts_content_version_id_content_versions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_diagnosis_attempts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnosis_attempts")),
    )
    with op.batch_alter_table("diagnosis_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_diagnosis_attempts_user_status", ["user_id", "status"], unique=False)

    op.create_table(
        "area_results",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("attempt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=16), nullable=False),
        sa.Column("point_deficits", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["diagnosis_attempts.id"],
            name=op.f("fk_area_results_attempt_id_diagnosis_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_results")),
        sa.UniqueConstraint("attempt_id", "area", name=op.f("uq_area_results_attempt_id_area")),
    )
    with op.batch_alter_table("area_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_results_attempt_id"), ["attempt_id"], unique=False)

    op.create_table(
        "diagnosis_answers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("attempt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_code", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("answered_at", models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint("value BETWEEN 0 AND 3", name=op.f("ck_diagnosis_answers_value_range")),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["diagnosis_attempts.id"],
            name=op.f("fk_diagnosis_answers_attempt_id_diagnosis_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnosis_answers")),
        sa.UniqueConstraint("attempt_id", "item_code", name=op.f("uq_diagnosis_answers_attempt_id_item_code")),
    )
    op.create_table(
        "routes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("attempt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "approved", "active", "completed", "archived", name="routestatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.BigInteger(), nullable=True),
        sa.Column("approved_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["diagnosis_attempts.id"],
            name=op.f("fk_routes_attempt_id_diagnosis_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_routes_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routes")),
    )
    with op.batch_alter_table("routes", schema=None) as batch_op:
        batch_op.create_index("ix_routes_user_status", ["user_id", "status"], unique=False)

    op.create_table(
        "route_steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("route_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=8), nullable=True),
        sa.Column("deficit_kind", sa.String(length=16), nullable=False),
        sa.Column("item_code", sa.String(length=16), nullable=True),
        sa.Column("activity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("expected_result", sa.Text(), nullable=False),
        sa.Column("report_form", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("planned", "done", "removed", name="stepstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("done_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("reflection", sa.String(length=2000), nullable=True),
        sa.Column("evidence_file_id", sa.String(length=200), nullable=True),
        sa.Column("evidence_kind", sa.String(length=16), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_route_steps_activity_id_activities"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_route_steps_event_id_events"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["routes.id"], name=op.f("fk_route_steps_route_id_routes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_steps")),
    )
    with op.batch_alter_table("route_steps", schema=None) as batch_op:
        batch_op.create_index("ix_route_steps_deadline", ["status", "deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_route_steps_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_route_steps_route_status", ["route_id", "status"], unique=False)

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("route_approval_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("route_approval_required")

    with op.batch_alter_table("route_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_route_steps_route_status")
        batch_op.drop_index(batch_op.f("ix_route_steps_event_id"))
        batch_op.drop_index("ix_route_steps_deadline")

    op.drop_table("route_steps")
    with op.batch_alter_table("routes", schema=None) as batch_op:
        batch_op.drop_index("ix_routes_user_status")

    op.drop_table("routes")
    op.drop_table("diagnosis_answers")
    with op.batch_alter_table("area_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_results_attempt_id"))

    op.drop_table("area_results")
    with op.batch_alter_table("diagnosis_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_diagnosis_attempts_user_status")

    op.drop_table("diagnosis_attempts")
    op.drop_table("content_versions")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_area"))

    op.drop_table("activities")
