"""The append-only, hash-chained access record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.orm.base import Base, BigId, Json, UtcDateTime


class AccessLogRow(Base):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_user_at", "user_id", "at"), Index("ix_access_log_action_at", "action", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # ok | refused | failed
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    terms: Mapped[str | None] = mapped_column(Text)  # plate or query terms
    reason: Mapped[str | None] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[object | None] = mapped_column(Json)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AccessCheckpointRow(Base):
    """A signed head of the access-record chain (HMAC with a key held in the OS keyring)."""

    __tablename__ = "access_checkpoints"
    __table_args__ = (Index("ix_access_checkpoints_kind_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # head | periodic | verify
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    workstation: Mapped[str] = mapped_column(String(128))
    last_id: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(String(16))
    mac: Mapped[str] = mapped_column(String(64))
