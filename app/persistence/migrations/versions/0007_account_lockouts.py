"""lockouts counted per account so each lock lasts longer than the previous one (issue 10)

Revision ID: 0007_account_lockouts
Revises: 0006_recognition_nodes
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_account_lockouts"
down_revision = "0006_recognition_nodes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lockout_count", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("lockout_count")
