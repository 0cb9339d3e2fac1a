"""users get a title (rank or position) so documents name people by full name and title (issue 11)

Revision ID: 0009_user_titles
Revises: 0008_hit_sightings
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_user_titles"
down_revision = "0008_hit_sightings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("title")
