"""Cameras and the reads they produce."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.orm.base import Base, BigId, Json, UtcDateTime, utcnow


class CameraRow(Base):
    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # stable id used by the runtime
    name: Mapped[str] = mapped_column(String(128))
    location: Mapped[str] = mapped_column(String(200), default="")
    direction: Mapped[str] = mapped_column(String(32), default="")
    source: Mapped[object] = mapped_column(Json)  # recognition CameraConfig.source as JSON, no secrets
    credential_ref: Mapped[str | None] = mapped_column(String(128))  # keyring entry name
    owner_workstation: Mapped[str | None] = mapped_column(String(128))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReadRow(Base):
    """One vehicle pass. On PostgreSQL the table is partitioned by day on ``captured_at``."""

    __tablename__ = "reads"
    __table_args__ = (
        Index("ix_reads_plate", "plate"),
        Index("ix_reads_plate_folded", "plate_folded"),
        Index("ix_reads_captured_at", "captured_at"),
        Index("ix_reads_camera_captured", "camera_id", "captured_at"),
        Index("ix_reads_uuid", "read_uuid"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    read_uuid: Mapped[str] = mapped_column(String(36))
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"))
    captured_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=False)
    plate: Mapped[str] = mapped_column(String(16))
    plate_folded: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    char_confidences: Mapped[object | None] = mapped_column(Json)
    alternatives: Mapped[object | None] = mapped_column(Json)
    state: Mapped[str | None] = mapped_column(String(2))
    state_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    colour: Mapped[str | None] = mapped_column(String(8))
    colour_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    box: Mapped[object | None] = mapped_column(Json)
    plate_sha256: Mapped[str | None] = mapped_column(String(64))
    overview_sha256: Mapped[str | None] = mapped_column(String(64))
    frame_count: Mapped[int] = mapped_column(Integer, default=1)
    workstation: Mapped[str] = mapped_column(String(128), default="")
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)
    # where the image bytes are (app.domain.images.ImageRef): pack file / image-table day / "kept";
    # NULL with a SHA-256 set = a file named by the hash, from before the image store
    image_pack: Mapped[str | None] = mapped_column(String(96))
    plate_offset: Mapped[int | None] = mapped_column(BigInteger)
    plate_length: Mapped[int | None] = mapped_column(Integer)
    overview_offset: Mapped[int | None] = mapped_column(BigInteger)
    overview_length: Mapped[int | None] = mapped_column(Integer)


class KeptImageRow(Base):
    """A copy of a read's image that must outlive its pack or partition (hold, open hit, release request)."""

    __tablename__ = "kept_images"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    read_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    kept_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
