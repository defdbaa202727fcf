"""events, registrations, feedback, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 11:44:39.918285
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("due_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("quiet_exempt_before", models.base.UTCDateTime(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                "blocked",
                "cancelled",
                name="outboxstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("lease_until", models.base.UTCDateTime(), nullable=True),
        sa.Column("sent_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("batch", sa.String(length=64), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_batch"), ["batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index("ix_outbox_status_due_at", ["status", "due_at"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "format",
            sa.Enum(
                "seminar",
                "master_class",
                "webinar",
                "internship",
                "course",
                "competition",
                "mo_meeting",
                name="eventformat",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("scope_org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("organizer_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("registration_deadline", models.base.UTCDateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("published", "cancelled", "closed", name="eventstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scope_org_id"],
            ["organizations.id"],
            name=op.f("fk_events_scope_org_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_scope_org_id"), ["scope_org_id"], unique=False)
        batch_op.create_index("ix_events_status_starts_at", ["status", "starts_at"], unique=False)

    op.create_table(
        "event_feedback",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_event_feedback_rating_range")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_feedback_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_feedback_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_feedback")),
        sa.UniqueConstraint("event_id", "user_id", name=op.f("uq_event_feedback_event_id_user_id")),
    )
    with op.batch_alter_table("event_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_feedback_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_registrations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "registered",
                "waitlisted",
                "offered",
                "cancelled",
                name="registrationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("queued_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("offer_expires_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_registrations_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_registrations_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registrations")),
        sa.UniqueConstraint("event_id", "user_id", name=op.f("uq_event_registrations_event_id_user_id")),
    )
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.create_index("ix_event_registrations_event_status", ["event_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_registrations_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_registrations_user_id"))
        batch_op.drop_index("ix_event_registrations_event_status")

    op.drop_table("event_registrations")
    with op.batch_alter_table("event_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_feedback_event_id"))

    op.drop_table("event_feedback")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_status_starts_at")
        batch_op.drop_index(batch_op.f("ix_events_scope_org_id"))

    op.drop_table("events")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_due_at")
        batch_op.drop_index(batch_op.f("ix_outbox_chat_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_batch"))

    op.drop_table("outbox")
