"""mentoring and broadcasts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:05:21.097158
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("author_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=False),
        sa.Column("preview", sa.Text(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "scheduled",
                "sending",
                "done",
                "cancelled",
                name="broadcaststatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("scheduled_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_edited_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("finished_at", models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcasts_author_telegram_id"), ["author_telegram_id"], unique=False)

    op.create_table(
        "mentor_pairs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mentor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mentee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "young_specialist", "subject", "competency", "managerial", name="pairtype", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("goal", sa.String(length=500), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column(
            "status", sa.Enum("active", "ended", name="pairstatus", native_enum=False, length=16), nullable=False
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("ended_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("mentor_review", sa.Text(), nullable=True),
        sa.Column("mentee_review", sa.Text(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentee_id"], ["users.id"], name=op.f("fk_mentor_pairs_mentee_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_mentor_pairs_mentor_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_pairs")),
    )
    with op.batch_alter_table("mentor_pairs", schema=None) as batch_op:
        batch_op.create_index("ix_mentor_pairs_mentee_status", ["mentee_id", "status"], unique=False)
        batch_op.create_index("ix_mentor_pairs_mentor_status", ["mentor_id", "status"], unique=False)

    op.create_table(
        "mentor_checkins",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pair_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("discussed", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["mentor_pairs.id"], name=op.f("fk_mentor_checkins_pair_id_mentor_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_checkins")),
    )
    with op.batch_alter_table("mentor_checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_checkins_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "step_proposals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pair_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "accepted", "declined", name="proposalstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["mentor_pairs.id"], name=op.f("fk_step_proposals_pair_id_mentor_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_proposals")),
    )
    with op.batch_alter_table("step_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_proposals_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "route_comments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("route_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("step_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_route_comments_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["routes.id"], name=op.f("fk_route_comments_route_id_routes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["route_steps.id"], name=op.f("fk_route_comments_step_id_route_steps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_comments")),
    )
    with op.batch_alter_table("route_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_route_comments_route_id"), ["route_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("route_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_route_comments_route_id"))

    op.drop_table("route_comments")
    with op.batch_alter_table("step_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_proposals_pair_id"))

    op.drop_table("step_proposals")
    with op.batch_alter_table("mentor_checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_checkins_pair_id"))

    op.drop_table("mentor_checkins")
    with op.batch_alter_table("mentor_pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_mentor_pairs_mentor_status")
        batch_op.drop_index("ix_mentor_pairs_mentee_status")

    op.drop_table("mentor_pairs")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcasts_author_telegram_id"))

    op.drop_table("broadcasts")
