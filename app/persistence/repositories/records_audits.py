"""Audits of detection-browsing inquiries and their sampled items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.records.audits import Audit, AuditItem, Redraw
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
            now: datetime, population: int | None = None, excluded_own: int = 0) -> int:
        row = AuditRow(period_start=start, period_end=end, seed=seed, sample_size=len(inquiry_ids), status="open",
                       created_by=user_id, created_at=now, population=population, excluded_own=excluded_own)
        self.s.add(row)
        self.s.flush()
        if inquiry_ids:
            self.s.execute(AuditItemRow.__table__.insert(),
                           [{"audit_id": row.id, "inquiry_id": i} for i in inquiry_ids])
        return row.id

    def overlapping(self, start: datetime, end: datetime) -> list[int]:
        """Audits whose period overlaps [start, end)."""
        return list(self.s.scalars(select(AuditRow.id).where(AuditRow.period_start < end, AuditRow.period_end > start)))

    def periods_overlapping(self, start: datetime, end: datetime, before_id: int | None = None,
                            ) -> list[tuple[datetime, datetime]]:
        """Periods of the audits (drawn before audit ``before_id``, when given) that overlap [start, end).

        An audit completed on a sample drawn before its period ended does not stand for that period
        (its inquiries could not all be selected) and is left out: the period can be audited again.
        """
        q = select(AuditRow.period_start, AuditRow.period_end, AuditRow.status, AuditRow.created_at,
                   AuditRow.redraws).where(AuditRow.period_start < end, AuditRow.period_end > start)
        if before_id is not None:
            q = q.where(AuditRow.id < before_id)
        out = []
        for a, b, status, created, redraws in self.s.execute(q):
            drawn = max([as_utc(created), *(as_utc(datetime.fromisoformat(d["at"])) for d in (redraws or []))])
            if status == "completed" and drawn < as_utc(b):
                continue
            out.append((as_utc(a), as_utc(b)))
        return out

    def periods_with_status(self) -> list[tuple[datetime, datetime, str, datetime]]:
        """(start, end, status, when the sample in force was drawn) of every audit."""
        q = select(AuditRow.period_start, AuditRow.period_end, AuditRow.status, AuditRow.created_at, AuditRow.redraws)
        out = []
        for a, b, st, created, redraws in self.s.execute(q):
            drawn = max([as_utc(created), *(as_utc(datetime.fromisoformat(d["at"])) for d in (redraws or []))])
            out.append((as_utc(a), as_utc(b), str(st), drawn))
        return out

    def periods(self) -> list[tuple[datetime, datetime]]:
        return [(as_utc(a), as_utc(b)) for a, b in self.s.execute(select(AuditRow.period_start, AuditRow.period_end))]

    def redraw(self, audit_id: int, seed: int, inquiry_ids: list[int], entry: dict) -> None:
        """Replace the sample; the previous draw goes to the audit's redraw list (kept, never deleted)."""
        r = self.s.get(AuditRow, audit_id)
        r.redraws = [*(r.redraws or []), entry]
        r.seed, r.sample_size = seed, len(inquiry_ids)
        self.s.execute(AuditItemRow.__table__.delete().where(AuditItemRow.audit_id == audit_id))
        if inquiry_ids:
            self.s.execute(AuditItemRow.__table__.insert(), [{"audit_id": audit_id, "inquiry_id": i} for i in inquiry_ids])

    def chief_review(self, audit_id: int, user_id: int | None, now: datetime, remarks: str) -> None:
        r = self.s.get(AuditRow, audit_id)
        r.chief_reviewed_by, r.chief_reviewed_at, r.chief_remarks = user_id, now, remarks

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
        population = r.population if r.population is not None else self.population(start, end)
        names = dict(self.s.execute(select(UserRow.id, UserRow.username).where(
            UserRow.id.in_([x for x in (r.created_by, r.chief_reviewed_by) if x is not None]))).all())
        redraws = tuple(Redraw(datetime.fromisoformat(d["at"]), d.get("by", ""), d.get("reason", ""), int(d["seed"]),
                               tuple(d.get("sample") or ())) for d in (r.redraws or []))
        return Audit(r.id, start, end, int(r.seed), r.sample_size, population, r.status,
                     r.created_by, as_utc(r.created_at), items, as_utc(r.completed_at) if r.completed_at else None,
                     r.data_errors, r.summary, r.memo_document_id, r.excluded_own or 0, redraws,
                     names.get(r.created_by, ""), names.get(r.chief_reviewed_by),
                     as_utc(r.chief_reviewed_at) if r.chief_reviewed_at else None, r.chief_remarks)

    def list(self) -> list[Audit]:
        ids = list(self.s.scalars(select(AuditRow.id).order_by(AuditRow.id.desc())))
        return [self.get(i) for i in ids]

    def judges(self, audit_id: int) -> set[int]:
        """The users who recorded findings on the audit's sample."""
        q = select(AuditItemRow.reviewed_by).where(AuditItemRow.audit_id == audit_id,
                                                   AuditItemRow.reviewed_by.is_not(None))
        return set(self.s.scalars(q))

    def audit_of_item(self, item_id: int) -> int:
        """The audit that audit item ``item_id`` belongs to."""
        audit_id = self.s.scalar(select(AuditItemRow.audit_id).where(AuditItemRow.id == item_id))
        if audit_id is None:
            raise NotFound(f"Audit item {item_id} does not exist.")
        return int(audit_id)

    def inquirer_of_item(self, item_id: int) -> int:
        """The user id of the member who made the sampled inquiry of audit item ``item_id``."""
        q = (select(InquiryRow.user_id).join(AuditItemRow, AuditItemRow.inquiry_id == InquiryRow.id)
             .where(AuditItemRow.id == item_id))
        user_id = self.s.scalar(q)
        if user_id is None:
            raise NotFound(f"Audit item {item_id} does not exist.")
        return int(user_id)

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
