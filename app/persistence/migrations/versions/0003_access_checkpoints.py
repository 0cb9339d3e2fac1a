"""signed checkpoints of the access-record chain's head (issue 10)

Revision ID: 0003_access_checkpoints
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_access_checkpoints"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_checkpoints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workstation", sa.String(length=128), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_checkpoints")),
    )
    with op.batch_alter_table("access_checkpoints", schema=None) as batch_op:
        batch_op.create_index("ix_access_checkpoints_kind_id", ["kind", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("access_checkpoints", schema=None) as batch_op:
        batch_op.drop_index("ix_access_checkpoints_kind_id")
    op.drop_table("access_checkpoints")
