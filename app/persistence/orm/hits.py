"""Hits and the attributed, never-edited steps of their confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.orm.base import Base, BigId, Json, UtcDateTime, utcnow

#: Statuses of an open hit: the partial unique index below allows one open hit per (entry, folded plate).
OPEN_STATUSES_SQL = "status IN ('new', 'claimed', 'verified')"


class HitRow(Base):
    __tablename__ = "hits"
    __table_args__ = (
        Index("ix_hits_status_priority", "status", "priority"), Index("ix_hits_read", "read_id"),
        # race-safe grouping (app.domain.hit_grouping): two consoles ingesting the same plate at once get one
        # open hit; ingest inserts with ON CONFLICT on this index and adds a sighting instead
        Index("ux_hits_open_group", "entry_id", "plate_key", unique=True,
              sqlite_where=text(OPEN_STATUSES_SQL), postgresql_where=text(OPEN_STATUSES_SQL)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # no FK: reads is partitioned on PostgreSQL; the pair (read_id, read_captured_at) locates the row
    read_id: Mapped[int] = mapped_column(BigId)
    read_captured_at: Mapped[datetime] = mapped_column(UtcDateTime)
    entry_id: Mapped[int | None] = mapped_column(BigId)
    entry_snapshot: Mapped[object] = mapped_column(Json)  # the entry as it was when the hit was raised
    source_name: Mapped[str] = mapped_column(String(128))
    list_age_s: Mapped[int | None] = mapped_column(Integer)
    match_kind: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(Integer, default=0)
    state_match: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(48))
    retroactive: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="new")  # new|claimed|verified|rejected|closed
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disposition: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    # grouping: folded read plate (NULL = never grouped, e.g. hits from before migration 0008 that had an
    # open duplicate), how often and when/where the vehicle was last seen for this hit
    plate_key: Mapped[str | None] = mapped_column(String(16))
    sighting_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_camera_id: Mapped[int | None] = mapped_column(BigId)  # cameras.id (no FK: a plain ADD COLUMN)


class HitSightingRow(Base):
    """One pass of the vehicle for a hit (the hit's first read included); the read row holds its data."""

    __tablename__ = "hit_sightings"
    __table_args__ = (UniqueConstraint("hit_id", "read_id", name="uq_hit_sightings_read"),
                      Index("ix_hit_sightings_read", "read_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id", ondelete="CASCADE"), index=True)
    read_id: Mapped[int] = mapped_column(BigId)  # no FK: reads is partitioned on PostgreSQL
    read_captured_at: Mapped[datetime] = mapped_column(UtcDateTime)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"))
    workstation: Mapped[str] = mapped_column(String(128), default="")
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HitStepRow(Base):
    __tablename__ = "hit_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[object | None] = mapped_column(Json)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    corrects_step_id: Mapped[int | None] = mapped_column(ForeignKey("hit_steps.id"))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
