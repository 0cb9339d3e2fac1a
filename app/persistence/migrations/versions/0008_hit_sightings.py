"""hits grouped by (entry, folded plate): sightings history and one open hit per group (issue 11)

Revision ID: 0008_hit_sightings
Revises: 0007_account_lockouts
Create Date: 2026-12-05

Existing hits each get one sighting (their own read). Where several OPEN hits already share an
entry and folded plate, the oldest becomes the group's hit and the others keep a NULL ``plate_key``
(they stay as they are, nothing is merged or lost; they leave the queue when handled).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_hit_sightings"
down_revision = "0007_account_lockouts"
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OPEN = "status IN ('new', 'claimed', 'verified')"


def upgrade() -> None:
    op.add_column("hits", sa.Column("plate_key", sa.String(length=16), nullable=True))
    op.add_column("hits", sa.Column("sighting_count", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("hits", sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("hits", sa.Column("last_camera_id", _BIG, nullable=True))
    op.create_table(
        "hit_sightings",
        sa.Column("id", _BIG, nullable=False),
        sa.Column("hit_id", _BIG, nullable=False),
        sa.Column("read_id", _BIG, nullable=False),
        sa.Column("read_captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("camera_id", _BIG, nullable=True),
        sa.Column("workstation", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hit_sightings")),
        sa.ForeignKeyConstraint(["hit_id"], ["hits.id"], ondelete="CASCADE", name=op.f("fk_hit_sightings_hit_id_hits")),
        sa.ForeignKeyConstraint(["camera_id"], ["cameras.id"], name=op.f("fk_hit_sightings_camera_id_cameras")),
        sa.UniqueConstraint("hit_id", "read_id", name="uq_hit_sightings_read"),
    )
    op.create_index(op.f("ix_hit_sightings_hit_id"), "hit_sightings", ["hit_id"])
    op.create_index("ix_hit_sightings_read", "hit_sightings", ["read_id"])
    op.execute(
        "INSERT INTO hit_sightings (hit_id, read_id, read_captured_at, camera_id, workstation, added_at) "
        "SELECT h.id, h.read_id, h.read_captured_at, r.camera_id, COALESCE(r.workstation, ''), h.created_at "
        "FROM hits h LEFT JOIN reads r ON r.id = h.read_id"
    )
    op.execute("UPDATE hits SET last_seen_at = read_captured_at, "
               "last_camera_id = (SELECT r.camera_id FROM reads r WHERE r.id = hits.read_id)")
    op.execute("UPDATE hits SET plate_key = (SELECT r.plate_folded FROM reads r WHERE r.id = hits.read_id) "
               "WHERE entry_id IS NOT NULL")
    op.execute(f"UPDATE hits SET plate_key = NULL WHERE {_OPEN} AND EXISTS (SELECT 1 FROM hits h2 "
               f"WHERE h2.entry_id = hits.entry_id AND h2.plate_key = hits.plate_key "
               f"AND h2.status IN ('new', 'claimed', 'verified') AND h2.id < hits.id)")
    op.create_index("ux_hits_open_group", "hits", ["entry_id", "plate_key"], unique=True,
                    sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))


def downgrade() -> None:
    op.drop_index("ux_hits_open_group", table_name="hits")
    op.drop_index("ix_hit_sightings_read", table_name="hit_sightings")
    op.drop_index(op.f("ix_hit_sightings_hit_id"), table_name="hit_sightings")
    op.drop_table("hit_sightings")
    with op.batch_alter_table("hits") as t:
        for name in ("last_camera_id", "last_seen_at", "sighting_count", "plate_key"):
            t.drop_column(name)
