"""Audits of detection-browsing inquiries and their sampled items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.records.audits import Audit, AuditItem
from app.persistence.orm.accounts import UserRow
from app.persistence.orm.records import AuditItemRow, AuditRow, InquiryRow


def _terms(t: object) -> str:
    if not isinstance(t, dict):
        return ""
    return " ".join(f"{k}={v}" for k, v in t.items() if v not in (None, [], False))


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, start: datetime, end: datetime, seed: int, inquiry_ids: list[int], user_id: int | None,
            now: datetime) -> int:
        row = AuditRow(period_start=start, period_end=end, seed=seed, sample_size=len(inquiry_ids), status="open",
                       created_by=user_id, created_at=now)
        self.s.add(row)
        self.s.flush()
        if inquiry_ids:
            self.s.execute(AuditItemRow.__table__.insert(),
                           [{"audit_id": row.id, "inquiry_id": i} for i in inquiry_ids])
        return row.id

    def population(self, start: datetime, end: datetime) -> int:
        q = select(func.count()).select_from(InquiryRow).where(InquiryRow.at >= start, InquiryRow.at < end)
        return int(self.s.execute(q).scalar_one())

    def get(self, audit_id: int) -> Audit:
        r = self.s.get(AuditRow, audit_id)
        if r is None:
            raise NotFound(f"Audit {audit_id} does not exist.")
        q = (select(AuditItemRow, InquiryRow, UserRow.username)
             .join(InquiryRow, InquiryRow.id == AuditItemRow.inquiry_id)
             .join(UserRow, UserRow.id == InquiryRow.user_id)
             .where(AuditItemRow.audit_id == audit_id).order_by(AuditItemRow.id))
        items = tuple(
            AuditItem(it.id, inq.id, name, as_utc(inq.at), inq.purpose, inq.reason, inq.case_number,
                      " / ".join(x for x in (inq.outside_agency, inq.outside_requester, inq.request_reference) if x)
                      or None, _terms(inq.terms), inq.result_count, it.compliant, it.notes)
            for it, inq, name in self.s.execute(q))
        start, end = as_utc(r.period_start), as_utc(r.period_end)
        return Audit(r.id, start, end, int(r.seed), r.sample_size, self.population(start, end), r.status,
                     r.created_by, as_utc(r.created_at), items, as_utc(r.completed_at) if r.completed_at else None,
                     r.data_errors, r.summary, r.memo_document_id)

    def list(self) -> list[Audit]:
        ids = list(self.s.scalars(select(AuditRow.id).order_by(AuditRow.id.desc())))
        return [self.get(i) for i in ids]

    def mark(self, item_id: int, compliant: bool, notes: str, user_id: int | None, now: datetime) -> int:
        it = self.s.get(AuditItemRow, item_id)
        if it is None:
            raise NotFound(f"Audit item {item_id} does not exist.")
        it.compliant, it.notes, it.reviewed_by, it.reviewed_at = compliant, notes.strip() or None, user_id, now
        return it.audit_id

    def complete(self, audit_id: int, data_errors: str, summary: str, now: datetime) -> None:
        r = self.s.get(AuditRow, audit_id)
        r.status, r.data_errors, r.summary, r.completed_at = "completed", data_errors.strip() or None, \
            summary.strip() or None, now

    def set_memo(self, audit_id: int, document_id: int) -> None:
        self.s.get(AuditRow, audit_id).memo_document_id = document_id
