"""image store: image locations in the read rows, kept copies, and (PostgreSQL) the image table

The data move of existing image files into the store is not done here: each workstation holds
its own files, so every console moves its own at start-up
(:class:`app.services.image_migration.ImageFileMigration`, idempotent and resumable).

Revision ID: 0004_image_store
Revises: 0003_access_checkpoints
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_image_store"
down_revision = "0003_access_checkpoints"
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # ADD COLUMN is native on both engines (no table rebuild of a 10M-row reads table)
    op.add_column("reads", sa.Column("image_pack", sa.String(length=96), nullable=True))
    op.add_column("reads", sa.Column("plate_offset", sa.BigInteger(), nullable=True))
    op.add_column("reads", sa.Column("plate_length", sa.Integer(), nullable=True))
    op.add_column("reads", sa.Column("overview_offset", sa.BigInteger(), nullable=True))
    op.add_column("reads", sa.Column("overview_length", sa.Integer(), nullable=True))
    op.create_table(
        "kept_images",
        sa.Column("id", _BIG, nullable=False),
        sa.Column("read_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_images")),
    )
    op.create_index(op.f("ix_kept_images_read_id"), "kept_images", ["read_id"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    # bigserial, not IDENTITY: PostgreSQL 15 has no identity columns on partitioned tables
    op.execute("CREATE TABLE read_images (day date NOT NULL, id bigserial NOT NULL, "
               "captured_at timestamptz NOT NULL, camera varchar(64) NOT NULL DEFAULT '', "
               "sha256 char(64) NOT NULL, data bytea NOT NULL, "
               "CONSTRAINT pk_read_images PRIMARY KEY (day, id)) PARTITION BY RANGE (day)")
    op.execute("ALTER TABLE read_images ALTER COLUMN data SET STORAGE EXTERNAL")  # JPEG: no compression try
    op.execute("CREATE TABLE read_images_default PARTITION OF read_images DEFAULT")
    # one image partition beside every existing reads partition
    op.execute("""
        DO $$
        DECLARE r record; d date;
        BEGIN
          FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   JOIN pg_class p ON p.oid = i.inhparent
                   WHERE p.relname = 'reads' AND c.relname ~ '^reads_p[0-9]{8}$' LOOP
            d := to_date(substr(r.relname, 8), 'YYYYMMDD');
            EXECUTE format('CREATE TABLE IF NOT EXISTS read_images_p%s PARTITION OF read_images '
                           'FOR VALUES FROM (%L) TO (%L)', to_char(d, 'YYYYMMDD'), d, d + 1);
          END LOOP;
        END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS read_images")  # drops its partitions too
    op.drop_index(op.f("ix_kept_images_read_id"), table_name="kept_images")
    op.drop_table("kept_images")
    with op.batch_alter_table("reads") as batch_op:
        for name in ("overview_length", "overview_offset", "plate_length", "plate_offset", "image_pack"):
            batch_op.drop_column(name)
