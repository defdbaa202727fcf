"""communities and their members

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:06:02.516265
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0008"
down_revision: Union[str, None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "school_mo", "municipal_mo", "network", "young", name="communitykind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("year_plan", sa.Text(), server_default="", nullable=False),
        sa.Column("scope_org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("auto_by_subject", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("invite_link", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("archived_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scope_org_id"],
            ["organizations.id"],
            name=op.f("fk_communities_scope_org_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_communities_chat_id")),
    )
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communities_scope_org_id"), ["scope_org_id"], unique=False)

    op.create_table(
        "community_members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "status", sa.Enum("active", "left", name="memberstatus", native_enum=False, length=16), nullable=False
        ),
        sa.Column("is_leader", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("joined_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("left_at", models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_members_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_community_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_members")),
        sa.UniqueConstraint("community_id", "user_id", name=op.f("uq_community_members_community_id_user_id")),
    )
    with op.batch_alter_table("community_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_members_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_community_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "community_meetings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("protocol_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("protocol_message_id", sa.BigInteger(), nullable=True),
        sa.Column("protocol_preview", sa.Text(), nullable=True),
        sa.Column("protocol_at", models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_meetings_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_community_meetings_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_meetings")),
        sa.UniqueConstraint("event_id", name=op.f("uq_community_meetings_event_id")),
    )
    with op.batch_alter_table("community_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_meetings_community_id"), ["community_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("community_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_meetings_community_id"))

    op.drop_table("community_meetings")
    with op.batch_alter_table("community_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_community_members_community_id"))

    op.drop_table("community_members")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communities_scope_org_id"))

    op.drop_table("communities")
