"""Recognition nodes and the camera leases they hold (a communications center on one PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.orm.base import Base, UtcDateTime


class RecognitionNodeRow(Base):
    """One recognition node; ``heartbeat_at`` (database clock) says whether it is alive."""

    __tablename__ = "recognition_nodes"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    host: Mapped[str] = mapped_column(String(128), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    capacity: Mapped[int] = mapped_column(Integer, default=8)
    state: Mapped[str] = mapped_column(String(16), default="running")  # running | stopped
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fps: Mapped[float] = mapped_column(Float, default=0.0)
    reads: Mapped[int] = mapped_column(Integer, default=0)


class CameraLeaseRow(Base):
    """Which node runs a camera. The primary key makes a camera leased to at most one node."""

    __tablename__ = "camera_leases"

    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True)
    node_name: Mapped[str] = mapped_column(String(128), index=True)
    leased_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16), default="starting")
    fps: Mapped[float] = mapped_column(Float, default=0.0)
