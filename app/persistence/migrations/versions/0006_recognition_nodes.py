"""recognition nodes and camera leases (communications center)

Revision ID: 0006_recognition_nodes
Revises: 0005_safeguards
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_recognition_nodes"
down_revision = "0005_safeguards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recognition_nodes",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("host", sa.String(length=128), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fps", sa.Float(), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_recognition_nodes")),
    )
    op.create_table(
        "camera_leases",
        sa.Column("camera_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_name", sa.String(length=128), nullable=False),
        sa.Column("leased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("fps", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["camera_id"], ["cameras.id"], name=op.f("fk_camera_leases_camera_id_cameras"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("camera_id", name=op.f("pk_camera_leases")),
    )
    op.create_index(op.f("ix_camera_leases_node_name"), "camera_leases", ["node_name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_camera_leases_node_name"), table_name="camera_leases")
    op.drop_table("camera_leases")
    op.drop_table("recognition_nodes")
