"""Browsing inquiries, evidence holds, release requests, audits, purges and generated documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.orm.base import Base, BigId, Json, UtcDateTime, utcnow


class InquiryRow(Base):
    """A detection browsing inquiry (policy 002 IV.P.4, IV.Q)."""

    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    purpose: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(64))
    outside_agency: Mapped[str | None] = mapped_column(String(200))
    outside_requester: Mapped[str | None] = mapped_column(String(200))
    request_reference: Mapped[str | None] = mapped_column(String(128))
    terms: Mapped[object] = mapped_column(Json)
    result_count: Mapped[int] = mapped_column(Integer, default=0)


class EvidenceHoldRow(Base):
    __tablename__ = "evidence_holds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    review_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    release_reason: Mapped[str | None] = mapped_column(Text)


class HoldItemRow(Base):
    __tablename__ = "hold_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("evidence_holds.id", ondelete="CASCADE"), index=True)
    read_id: Mapped[int | None] = mapped_column(BigId, index=True)
    hit_id: Mapped[int | None] = mapped_column(ForeignKey("hits.id"), index=True)


class ReleaseRequestRow(Base):
    __tablename__ = "release_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency: Mapped[str] = mapped_column(String(200))
    ori: Mapped[str | None] = mapped_column(String(9))
    requester_name: Mapped[str] = mapped_column(String(128))
    requester_title: Mapped[str | None] = mapped_column(String(128))
    requester_contact: Mapped[str | None] = mapped_column(String(200))
    case_number: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    law_enforcement: Mapped[bool] = mapped_column(Boolean, default=True)
    public_agency: Mapped[bool] = mapped_column(Boolean, default=True)
    scope: Mapped[object] = mapped_column(Json)  # plates, time range, cameras
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|approved|denied|fulfilled
    entered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    fulfilled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fulfilled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    packet_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))


class AuditRow(Base):
    """A periodic audit of browsing inquiries (policy 002 IV.Q)."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UtcDateTime)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)
    seed: Mapped[int] = mapped_column(BigId)
    sample_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | completed
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    data_errors: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    memo_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    population: Mapped[int | None] = mapped_column(Integer)  # inquiries of the period the sample came from
    excluded_own: Mapped[int | None] = mapped_column(Integer)  # the auditor's own inquiries left out
    redraws: Mapped[object | None] = mapped_column(Json)  # earlier draws: seed, sample, who, when, why
    chief_reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    chief_reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    chief_remarks: Mapped[str | None] = mapped_column(Text)


class AuditItemRow(Base):
    __tablename__ = "audit_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"))
    compliant: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PurgeRunRow(Base):
    __tablename__ = "purge_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    run_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    trigger: Mapped[str] = mapped_column(String(16))  # schedule | cli | manual
    cutoffs: Mapped[object | None] = mapped_column(Json)
    counts: Mapped[object | None] = mapped_column(Json)
    kept: Mapped[object | None] = mapped_column(Json)
    refused_reason: Mapped[str | None] = mapped_column(Text)
    report_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))


class DocumentRow(Base):
    """A generated PDF/HTML/ZIP kept on file (memoranda, packets, purge reports ...)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    related: Mapped[object | None] = mapped_column(Json)


class WorkstationRow(Base):
    """Consoles seen by the database (which one owns which cameras, last heartbeat)."""

    __tablename__ = "workstations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    runs_recognition: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[str | None] = mapped_column(String(32))
