"""Hot-list sources, their entries (imported and local BOLO) and import reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.persistence.orm.base import Base, BigId, Json, UtcDateTime, utcnow
from app.persistence.plate_heads import plate_head


class HotListSourceRow(Base):
    __tablename__ = "hotlist_sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # ncic | state | local
    format_spec: Mapped[object | None] = mapped_column(Json)
    location: Mapped[str | None] = mapped_column(Text)  # file, drop folder or URL
    schedule: Mapped[object | None] = mapped_column(Json)  # {"daily_at": "05:00"}
    state_filter: Mapped[object | None] = mapped_column(Json)
    skip_list: Mapped[object | None] = mapped_column(Json)
    type_mapping: Mapped[object | None] = mapped_column(Json)
    bad_row_threshold: Mapped[float] = mapped_column(Float, default=0.05)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_import_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HotListEntryRow(Base):
    __tablename__ = "hotlist_entries"
    __table_args__ = (
        Index("ix_hotlist_entries_source", "source_id"),
        Index("ix_hotlist_entries_plate_head", "plate_head"),  # the prefix search (no text index: see plate_heads)
        Index("ix_hotlist_entries_status", "status", sqlite_where=text("status != 'active'"),
              postgresql_where=text("status != 'active'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("hotlist_sources.id", ondelete="CASCADE"))
    plate: Mapped[str] = mapped_column(String(16))  # normalised; may hold * and ? for local entries
    plate_raw: Mapped[str | None] = mapped_column(String(32))
    plate_head: Mapped[int] = mapped_column(Integer)  # plate_head(plate), set with the plate (below)
    state: Mapped[str | None] = mapped_column(String(2))
    record_type: Mapped[str | None] = mapped_column(String(2))
    category: Mapped[str] = mapped_column(String(48))
    priority: Mapped[int] = mapped_column(Integer)
    nic: Mapped[str | None] = mapped_column(String(10))
    ori: Mapped[str | None] = mapped_column(String(9))
    entry_date: Mapped[date | None] = mapped_column(Date)
    lic_year: Mapped[str | None] = mapped_column(String(4))
    lic_type: Mapped[str | None] = mapped_column(String(2))
    vehicle_year: Mapped[str | None] = mapped_column(String(4))
    vehicle_make: Mapped[str | None] = mapped_column(String(24))
    vehicle_model: Mapped[str | None] = mapped_column(String(24))
    vehicle_style: Mapped[str | None] = mapped_column(String(8))
    vehicle_colour: Mapped[str | None] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # local (BOLO) entries: policy 002 IV.I.5-6
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|pending|denied|expired|withdrawn
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requesting_officer: Mapped[str | None] = mapped_column(String(128))
    case_number: Mapped[str | None] = mapped_column(String(64))
    synopsis: Mapped[str | None] = mapped_column(Text)
    instructions: Mapped[str | None] = mapped_column(Text)
    reference_photo_sha256: Mapped[str | None] = mapped_column(String(64))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # two-person rule (002 IV.I.5): the requester picked from the agency's users, or an outside person
    requesting_user_id: Mapped[int | None] = mapped_column(BigInteger)
    requesting_agency: Mapped[str | None] = mapped_column(String(128))
    last_edited_by: Mapped[int | None] = mapped_column(BigInteger)

    @validates("plate")
    def _head_follows_plate(self, _key: str, plate: str) -> str:
        """A plate set on a row (created or edited) sets its head: the prefix search never misses it."""
        self.plate_head = plate_head(plate)
        return plate


class HotListEntryRevisionRow(Base):
    """One version of a local entry: who changed what, when (never edited)."""

    __tablename__ = "hotlist_entry_revisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hotlist_entries.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # submit | edit | approve | deny | withdraw
    changed_by: Mapped[int | None] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    content: Mapped[object | None] = mapped_column(Json)
    changes: Mapped[object | None] = mapped_column(Json)
    reason: Mapped[str | None] = mapped_column(Text)


class HotListImportRow(Base):
    __tablename__ = "hotlist_imports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("hotlist_sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    duplicates_merged: Mapped[int] = mapped_column(Integer, default=0)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    report: Mapped[object | None] = mapped_column(Json)  # rejected rows: [{"line": n, "reason": ...}]
    triggered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
