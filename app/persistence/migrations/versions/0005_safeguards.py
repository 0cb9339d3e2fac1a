"""safeguards: hot-list entry revisions and requesting user; audit redraws, exclusions and chief's review

Revision ID: 0005_safeguards
Revises: 0004_image_store
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_safeguards"
down_revision = "0004_image_store"
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON()


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild of a million-row list); user ids are checked by the service
    op.add_column("hotlist_entries", sa.Column("requesting_user_id", sa.BigInteger(), nullable=True))
    op.add_column("hotlist_entries", sa.Column("requesting_agency", sa.String(length=128), nullable=True))
    op.add_column("hotlist_entries", sa.Column("last_edited_by", sa.BigInteger(), nullable=True))
    op.create_table(
        "hotlist_entry_revisions",
        sa.Column("id", _BIG, nullable=False),
        sa.Column("entry_id", _BIG, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changed_by", sa.BigInteger(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", _JSON, nullable=True),
        sa.Column("changes", _JSON, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotlist_entry_revisions")),
        sa.ForeignKeyConstraint(["entry_id"], ["hotlist_entries.id"], ondelete="CASCADE",
                                name=op.f("fk_hotlist_entry_revisions_entry_id_hotlist_entries")),
    )
    op.create_index(op.f("ix_hotlist_entry_revisions_entry_id"), "hotlist_entry_revisions", ["entry_id"])
    op.add_column("audits", sa.Column("population", sa.Integer(), nullable=True))
    op.add_column("audits", sa.Column("excluded_own", sa.Integer(), nullable=True))
    op.add_column("audits", sa.Column("redraws", _JSON, nullable=True))
    op.add_column("audits", sa.Column("chief_reviewed_by", sa.BigInteger(), nullable=True))
    op.add_column("audits", sa.Column("chief_reviewed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("audits", sa.Column("chief_remarks", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audits") as t:
        for name in ("chief_remarks", "chief_reviewed_at", "chief_reviewed_by", "redraws", "excluded_own",
                     "population"):
            t.drop_column(name)
    op.drop_index(op.f("ix_hotlist_entry_revisions_entry_id"), table_name="hotlist_entry_revisions")
    op.drop_table("hotlist_entry_revisions")
    with op.batch_alter_table("hotlist_entries") as t:
        for name in ("last_edited_by", "requesting_agency", "requesting_user_id"):
            t.drop_column(name)
