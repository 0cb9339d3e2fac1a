"""hot-list entries get a plate head; its index replaces the text index on plate (issue 13)

The plate index cost the national copy ~0.6 us a row (it took each row at a random place); the
head index takes a stage table's rows at its end. See app/persistence/plate_heads.py.

Revision ID: 0010_plate_heads
Revises: 0009_user_titles
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from app.persistence.plate_heads import plate_head_sql

revision = "0010_plate_heads"
down_revision = "0009_user_titles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # SQLite adds a NOT NULL column only with a default; PostgreSQL drops it once every row has its head
    op.add_column("hotlist_entries", sa.Column("plate_head", sa.Integer(), nullable=False, server_default="0"))
    op.execute(f"UPDATE hotlist_entries SET plate_head = {plate_head_sql(dialect)}")
    if dialect == "postgresql":
        op.alter_column("hotlist_entries", "plate_head", server_default=None)
    op.drop_index("ix_hotlist_entries_plate", table_name="hotlist_entries")
    op.create_index("ix_hotlist_entries_plate_head", "hotlist_entries", ["plate_head"], unique=False)


def downgrade() -> None:
    op.create_index("ix_hotlist_entries_plate", "hotlist_entries", ["plate"], unique=False)
    op.drop_index("ix_hotlist_entries_plate_head", table_name="hotlist_entries")
    op.drop_column("hotlist_entries", "plate_head")
